/// Applies relabel rules to a label set, as Prometheus's `relabel.Process` does: rules run
/// in order and the first one that drops the set ends processing.
public enum Relabeling {
    /// The relabeled set, or nil when a rule dropped it.
    public static func process(_ labels: Labels, _ rules: [RelabelRule]) -> Labels? {
        if rules.isEmpty { return labels }
        var builder = LabelsBuilder(labels)
        for rule in rules {
            if !apply(rule, to: &builder) { return nil }
        }
        return builder.labels()
    }

    /// Applies one rule; false when the set is dropped.
    public static func apply(_ rule: RelabelRule, to lb: inout LabelsBuilder) -> Bool {
        let value = rule.sourceLabels.map { lb[$0] ?? "" }.joined(separator: rule.separator)
        switch rule.action {
        case .drop:
            if rule.regex.matches(value) { return false }
        case .keep:
            if !rule.regex.matches(value) { return false }
        case .dropequal:
            if (lb[rule.targetLabel] ?? "") == value { return false }
        case .keepequal:
            if (lb[rule.targetLabel] ?? "") != value { return false }
        case .replace:
            guard let groups = rule.regex.groups(value) else { break }
            let target = expand(rule.targetLabel, groups)
            guard NameValidationScheme.utf8.isValidLabelName(target) else { break }
            lb.set(target, expand(rule.replacement, groups))
        case .lowercase:
            lb.set(rule.targetLabel, value.lowercased())
        case .uppercase:
            lb.set(rule.targetLabel, simpleUppercase(value))
        case .hashmod:
            let digest = MD5.hash(Array(value.utf8))
            var x: UInt64 = 0
            for b in digest[8..<16] { x = x << 8 | UInt64(b) }
            lb.set(rule.targetLabel, String(x % rule.modulus))
        case .labelmap:
            let snapshot = lb.labels()
            for l in snapshot {
                guard let groups = rule.regex.groups(l.name) else { continue }
                lb.set(expand(rule.replacement, groups), l.value)
            }
        case .labeldrop:
            lb.removeAll { rule.regex.matches($0) }
        case .labelkeep:
            lb.removeAll { !rule.regex.matches($0) }
        }
        return true
    }

    /// Go's `regexp.Expand`: `$$`, `$name`, `${name}`; unknown groups are empty.
    static func expand(_ template: String, _ groups: RegexGroups) -> String {
        guard template.contains("$") else { return template }
        let s = Array(template.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func isNameScalar(_ c: Unicode.Scalar) -> Bool {
            c == "_" || (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) || (!c.isASCII && c.properties.isAlphabetic)
        }
        while i < s.count {
            let c = s[i]
            guard c == "$", i + 1 < s.count else { out.append(c); i += 1; continue }
            let n = s[i + 1]
            if n == "$" { out.append("$"); i += 2; continue }
            if n == "{" {
                guard let close = s[(i + 2)...].firstIndex(of: "}"), close > i + 2,
                      s[(i + 2)..<close].allSatisfy(isNameScalar) else {
                    out.append(c); i += 1; continue
                }
                let name = String(String.UnicodeScalarView(s[(i + 2)..<close]))
                out.append(contentsOf: groups.value(named: name).unicodeScalars)
                i = close + 1
                continue
            }
            var j = i + 1
            while j < s.count, isNameScalar(s[j]) { j += 1 }
            if j == i + 1 { out.append(c); i += 1; continue }
            let name = String(String.UnicodeScalarView(s[(i + 1)..<j]))
            out.append(contentsOf: groups.value(named: name).unicodeScalars)
            i = j
        }
        return String(out)
    }

    /// Go's `strings.ToUpper`: per code point, only single-scalar mappings (ß stays ß).
    static func simpleUppercase(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            let up = c.properties.uppercaseMapping.unicodeScalars
            if up.count == 1, let u = up.first { out.append(u) } else { out.append(c) }
        }
        return String(out)
    }
}
