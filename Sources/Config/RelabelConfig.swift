public import Model

/// One relabeling rule (`relabel_configs`, `metric_relabel_configs`, `write_relabel_configs`, …).
///
/// Defaults and checks are Prometheus's (`model/relabel/relabel.go`): `action: replace`,
/// `separator: ";"`, `regex: "(.*)"`, `replacement: "$1"`; a field that is present overrides its
/// default even when empty; `regex` is RE2 and is kept as written (unanchored; Prometheus anchors it
/// when matching). The scheme-dependent checks run in `validate(scheme:at:)` after the whole
/// document is decoded.
public struct RelabelConfig: Codable, Sendable, Equatable {
    /// What a rule does; raw values are Prometheus's lower-case names.
    public enum Action: String, Codable, Sendable, CaseIterable {
        case replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase
    }

    public var sourceLabels: [String]
    public var separator: String
    /// The pattern as written, unanchored; `""` when the YAML value is null or empty.
    public var regex: String
    public var modulus: UInt64
    public var targetLabel: String
    public var replacement: String
    public var action: Action

    public static let defaultSeparator = ";"
    public static let defaultRegex = "(.*)"
    public static let defaultReplacement = "$1"

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sourceLabels = "source_labels", separator, regex, modulus, targetLabel = "target_label", replacement, action
    }

    /// A rule with Prometheus's defaults, overridden by the arguments.
    public init(sourceLabels: [String] = [], separator: String = RelabelConfig.defaultSeparator,
                regex: String = RelabelConfig.defaultRegex, modulus: UInt64 = 0, targetLabel: String = "",
                replacement: String = RelabelConfig.defaultReplacement, action: Action = .replace) {
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.regex = regex
        self.modulus = modulus
        self.targetLabel = targetLabel
        self.replacement = replacement
        self.action = action
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "relabel.Config")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sourceLabels = try c.value(.sourceLabels, [])
        for (i, name) in sourceLabels.enumerated() where !LabelSetValidation.isValidName(name, .utf8) {
            throw ConfigError(.type, "\(quoted(name)) is not a valid label name",
                              keyPath: KeyPath.index(KeyPath.join(KeyPath.string(decoder.codingPath), "source_labels"), i))
        }
        separator = c.has(.separator) ? try c.value(.separator, "") : Self.defaultSeparator
        regex = c.has(.regex) ? try c.value(.regex, "") : Self.defaultRegex
        modulus = try c.value(.modulus, 0)
        targetLabel = try c.value(.targetLabel, "")
        replacement = c.has(.replacement) ? try c.value(.replacement, "") : Self.defaultReplacement
        if c.has(.action), try c.decodeNil(forKey: .action) {
            throw try c.superDecoder(forKey: .action).error(from: .invalid("relabel action cannot be empty", at: ""))
        } else if c.has(.action) {
            let raw = try c.value(.action, "")
            guard let a = Action(rawValue: raw.lowercased()) else {
                throw try c.superDecoder(forKey: .action).typeError("unknown relabel action \(quoted(raw))")
            }
            action = a
        } else {
            action = .replace
        }
        do {
            try validateRE2(regex)
        } catch {
            throw try c.superDecoder(forKey: .regex).typeError("error parsing regexp: \(error.reason) in \(quoted(regex))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !sourceLabels.isEmpty { try c.encode(sourceLabels, forKey: .sourceLabels) }
        try c.encode(separator, forKey: .separator)
        try c.encode(regex, forKey: .regex)
        if modulus != 0 { try c.encode(modulus, forKey: .modulus) }
        if !targetLabel.isEmpty { try c.encode(targetLabel, forKey: .targetLabel) }
        try c.encode(replacement, forKey: .replacement)
        try c.encode(action, forKey: .action)
    }

    /// Prometheus's `relabel.Config.Validate`.
    /// - Parameters:
    ///   - scheme: the job's (or global) metric name validation scheme.
    ///   - path: this rule's key path, for the error.
    public func validate(scheme: NameValidationScheme, at path: String) throws(ConfigError) {
        func fail(_ m: String) -> ConfigError { .invalid(m, at: path) }
        let a = action.rawValue
        if modulus == 0 && action == .hashmod { throw fail("relabel configuration for hashmod requires non-zero modulus") }
        let needsTarget: Set<Action> = [.replace, .hashmod, .lowercase, .uppercase, .keepequal, .dropequal]
        if needsTarget.contains(action) && targetLabel.isEmpty {
            throw fail("relabel configuration for \(a) action requires 'target_label' value")
        }
        let hasVar = targetLabel.contains("$")
        let validTarget = LabelSetValidation.isValidName(targetLabel, scheme)
        if action == .replace && !hasVar && !validTarget {
            throw fail("\(quoted(targetLabel)) is invalid 'target_label' for \(a) action")
        }
        if action == .replace && hasVar && !Self.isValidTemplatedName(targetLabel, scheme) {
            throw fail("\(quoted(targetLabel)) is invalid 'target_label' for \(a) action")
        }
        let caseOrEqual: Set<Action> = [.lowercase, .uppercase, .keepequal, .dropequal]
        if caseOrEqual.contains(action) && !validTarget {
            throw fail("\(quoted(targetLabel)) is invalid 'target_label' for \(a) action")
        }
        if caseOrEqual.contains(action) && replacement != Self.defaultReplacement {
            throw fail("'replacement' can not be set for \(a) action")
        }
        if action == .labelmap && !Self.isValidTemplatedName(replacement, scheme) {
            throw fail("\(quoted(replacement)) is invalid 'replacement' for \(a) action")
        }
        if action == .hashmod && !validTarget {
            throw fail("\(quoted(targetLabel)) is invalid 'target_label' for \(a) action")
        }
        if action == .keepequal || action == .dropequal,
           regex != Self.defaultRegex || modulus != 0 || separator != Self.defaultSeparator || replacement != Self.defaultReplacement {
            throw fail("\(a) action requires only 'source_labels' and `target_label`, and no other fields")
        }
        if action == .labeldrop || action == .labelkeep,
           !sourceLabels.isEmpty || !targetLabel.isEmpty || modulus != 0 || separator != Self.defaultSeparator
            || replacement != Self.defaultReplacement {
            throw fail("\(a) action requires only 'regex', and no other fields")
        }
    }

    /// A label name that may contain `$1` / `${name}` references: any non-empty UTF-8 under `utf8`;
    /// under `legacy`, `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`.
    static func isValidTemplatedName(_ s: String, _ scheme: NameValidationScheme) -> Bool {
        guard scheme == .legacy else { return LabelSetValidation.isValidName(s, scheme) }
        let b = Array(s.utf8)
        func isASCIILetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        func isWord(_ c: UInt8) -> Bool { isASCIILetter(c) || (c >= 48 && c <= 57) || c == 95 }
        var i = 0
        var first = true
        while i < b.count {
            if b[i] == UInt8(ascii: "$") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "{") {
                    let start = i + 1
                    var j = start
                    while j < b.count, isWord(b[j]) { j += 1 }
                    guard j > start, j < b.count, b[j] == UInt8(ascii: "}") else { return false }
                    i = j + 1
                } else {
                    let start = i
                    while i < b.count, isWord(b[i]) { i += 1 }
                    guard i > start else { return false }
                }
            } else if first {
                guard isASCIILetter(b[i]) || b[i] == 95 else { return false }
                i += 1
            } else {
                guard isWord(b[i]) else { return false }
                i += 1
            }
            first = false
        }
        return !first
    }
}
