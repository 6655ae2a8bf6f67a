import Foundation

/// Checks Kubernetes field and label selector strings the way client-go parses them.
///
/// Prometheus hands `selectors[].field` / `.label` to client-go's `fields.ParseSelector` and
/// `labels.Parse` at load time, so a malformed selector fails the config rather than every watch.
enum KubernetesSelectorSyntax {
    /// `key=value`, `key==value`, `key!=value`, comma-separated (`\` escapes).
    static func validateField(_ selector: String) throws(ConfigError) {
        guard !selector.isEmpty else { return }
        for term in split(selector, on: ",") {
            let ok = term.contains("!=") || term.contains("==") || term.contains("=")
            if !ok { throw ConfigError(.invalid, "invalid selector: '\(selector)'; can't understand '\(term)'") }
        }
    }

    /// `key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`, `key notin (a,b)`, `key>1`, `key<1`.
    static func validateLabel(_ selector: String) throws(ConfigError) {
        let trimmed = selector.trimmingWhitespace()
        guard !trimmed.isEmpty else { return }
        for raw in splitOutsideParens(trimmed) {
            let term = raw.trimmingWhitespace()
            func fail(_ why: String) -> ConfigError { ConfigError(.invalid, "unable to parse requirement: \(why) in \(quoted(selector))") }
            if term.isEmpty { throw fail("found '', expected: identifier") }
            if term.hasPrefix("!") {
                try checkKey(String(term.dropFirst()).trimmingWhitespace(), fail)
                continue
            }
            let words = term.split(separator: " ", omittingEmptySubsequences: true)
            if words.count >= 2, words[1] == "in" || words[1] == "notin" {
                try checkKey(String(words[0]), fail)
                let rest = words.dropFirst(2).joined(separator: " ").trimmingWhitespace()
                guard rest.hasPrefix("("), rest.hasSuffix(")") else { throw fail("found '\(rest)', expected: '('") }
                for v in rest.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false) {
                    try checkValue(String(v).trimmingWhitespace(), fail)
                }
                continue
            }
            var matched = false
            for op in ["!=", "==", "=", ">", "<"] {
                guard let r = term.range(of: op) else { continue }
                try checkKey(String(term[..<r.lowerBound]).trimmingWhitespace(), fail)
                let value = String(term[r.upperBound...]).trimmingWhitespace()
                if op == ">" || op == "<" {
                    guard Int64(value) != nil else { throw fail("for 'Gt', 'Lt' operators, the value must be an integer") }
                } else {
                    try checkValue(value, fail)
                }
                matched = true
                break
            }
            if !matched { try checkKey(term, fail) }
        }
    }

    private static func checkKey(_ key: String, _ fail: (String) -> ConfigError) throws(ConfigError) {
        var name = Substring(key)
        if let slash = key.lastIndex(of: "/") {
            let prefix = key[..<slash]
            guard !prefix.isEmpty, prefix.count <= 253,
                  prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isDNSLabel($0) }) else {
                throw fail("invalid label key \(quoted(key))")
            }
            name = key[key.index(after: slash)...]
        }
        guard !name.isEmpty, name.count <= 63, isQualifiedName(name) else { throw fail("invalid label key \(quoted(key))") }
    }

    private static func checkValue(_ value: String, _ fail: (String) -> ConfigError) throws(ConfigError) {
        guard value.isEmpty || (value.count <= 63 && isQualifiedName(Substring(value))) else {
            throw fail("invalid label value: \(quoted(value))")
        }
    }

    /// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`
    private static func isQualifiedName(_ s: Substring) -> Bool {
        guard let f = s.first, let l = s.last, isAlnum(f), isAlnum(l) else { return false }
        return s.allSatisfy { isAlnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    private static func isDNSLabel(_ s: Substring) -> Bool {
        guard let f = s.first, let l = s.last, s.count <= 63, isLowerAlnum(f), isLowerAlnum(l) else { return false }
        return s.allSatisfy { isLowerAlnum($0) || $0 == "-" }
    }

    private static func isAlnum(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
    private static func isLowerAlnum(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) }

    private static func split(_ s: String, on sep: Character) -> [String] {
        var parts: [String] = [], current = "", escaped = false
        for c in s {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" { current.append(c); escaped = true; continue }
            if c == sep { parts.append(current); current = ""; continue }
            current.append(c)
        }
        parts.append(current)
        return parts
    }

    private static func splitOutsideParens(_ s: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for c in s {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == ",", depth == 0 { parts.append(current); current = ""; continue }
            current.append(c)
        }
        parts.append(current)
        return parts
    }
}
