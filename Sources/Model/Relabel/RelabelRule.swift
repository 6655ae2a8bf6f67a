/// What a relabel rule does (Prometheus `relabel.Action`); names match case-insensitively.
public enum RelabelAction: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase

    /// Parses an action name case-insensitively; nil for an unknown one.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }
}

/// One compiled relabeling step: the engine's form of a `relabel_configs` entry, with
/// defaults already applied and the regex compiled (anchored, dot-all, RE2 syntax).
public struct RelabelRule: Sendable, Equatable {
    public var sourceLabels: [String]
    public var separator: String
    public var regex: RelabelRegex
    public var modulus: UInt64
    public var targetLabel: String
    public var replacement: String
    public var action: RelabelAction

    /// - Throws: `MatcherError` when the regex is not valid RE2.
    public init(
        sourceLabels: [String] = [], separator: String = ";", regex: String = "(.*)", modulus: UInt64 = 0,
        targetLabel: String = "", replacement: String = "$1", action: RelabelAction = .replace
    ) throws(MatcherError) {
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.regex = try RelabelRegex(regex)
        self.modulus = modulus
        self.targetLabel = targetLabel
        self.replacement = replacement
        self.action = action
    }
}

/// An anchored RE2 regex that can also report capture groups, for `replace` and `labelmap`.
public struct RelabelRegex: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written (unanchored).
    public let pattern: String
    private let matcher: StringMatcher
    private let captures: CompiledRegex?

    public init(_ pattern: String) throws(MatcherError) {
        self.pattern = pattern
        matcher = try StringMatcher.compile(regex: pattern)
        captures = (pattern == "(.*)" || !pattern.contains("(")) ? nil : try CompiledRegex(pattern)
    }

    public var description: String { pattern }

    public static func == (a: RelabelRegex, b: RelabelRegex) -> Bool { a.pattern == b.pattern }

    /// Whether the whole of `s` matches.
    public func matches(_ s: String) -> Bool { matcher.matches(s) }

    /// The groups of a whole match (index 0 is the match itself), or nil without a match.
    func groups(_ s: String) -> RegexGroups? {
        if pattern == "(.*)" { return RegexGroups(values: [s, s], names: [nil, nil]) }
        guard let captures else { return matcher.matches(s) ? RegexGroups(values: [s], names: [nil]) : nil }
        return captures.groups(s)
    }
}

/// The capture groups of one match: values by index, with optional names.
struct RegexGroups {
    var values: [String?]
    var names: [String?]

    func value(named name: String) -> String {
        if let i = Int(name), name.allSatisfy(\.isASCII) { return i < values.count ? values[i] ?? "" : "" }
        if let i = names.firstIndex(of: name) { return values[i] ?? "" }
        return ""
    }
}

extension CompiledRegex {
    func groups(_ s: String) -> RegexGroups? {
        guard let m = try? regex.wholeMatch(in: s) else { return nil }
        var values: [String?] = []
        var names: [String?] = []
        for element in m.output {
            values.append(element.substring.map(String.init))
            names.append(element.name)
        }
        return RegexGroups(values: values, names: names)
    }
}
