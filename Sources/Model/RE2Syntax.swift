/// Checks that a pattern stays inside RE2's syntax (what Go and Prometheus accept), and
/// recognises patterns that are plain literals or alternations of literals.
///
/// Swift's regex engine accepts more than RE2 (look-around, back-references, atomic
/// groups, possessive quantifiers); Prometheus rejects those, so Lantern does too.
enum RE2Syntax {
    static func validate(_ pattern: String) throws(MatcherError) {
        let s = Array(pattern.unicodeScalars)
        var i = 0
        var inClass = false
        var depth = 0
        func fail(_ why: String) -> MatcherError { MatcherError(pattern: pattern, reason: why) }
        while i < s.count {
            let c = s[i]
            if c == "\\" {
                guard i + 1 < s.count else { throw fail("trailing backslash at end of expression") }
                let n = s[i + 1]
                if !inClass, n.properties.numericType != nil, n != "0", ("1"..."9").contains(n) {
                    throw fail("invalid escape sequence: `\\\(n)` (back-references are not supported)")
                }
                if n == "k" || n == "g" { throw fail("invalid escape sequence: `\\\(n)`") }
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                if c == "[", i + 1 < s.count, s[i + 1] == ":" {
                    // POSIX class `[:alpha:]`: skip to its closing `:]`.
                    var j = i + 2
                    while j + 1 < s.count, !(s[j] == ":" && s[j + 1] == "]") { j += 1 }
                    if j + 1 < s.count { i = j + 2; continue }
                }
                i += 1
                continue
            }
            switch c {
            case "[":
                inClass = true
                // `[]` and `[^]` take the `]` literally.
                if i + 1 < s.count, s[i + 1] == "^" { i += 1 }
                if i + 1 < s.count, s[i + 1] == "]" { i += 1 }
            case "(":
                depth += 1
                if i + 1 < s.count, s[i + 1] == "?" {
                    let rest = String(String.UnicodeScalarView(s[(i + 2)...].prefix(3)))
                    if rest.hasPrefix("=") || rest.hasPrefix("!") || rest.hasPrefix("<=") || rest.hasPrefix("<!") {
                        throw fail("invalid or unsupported Perl syntax: `(?\(rest.prefix(rest.hasPrefix("<") ? 2 : 1))` (look-around is not supported)")
                    }
                    if rest.hasPrefix(">") || rest.hasPrefix("|") || rest.hasPrefix("#") {
                        throw fail("invalid or unsupported Perl syntax: `(?\(rest.prefix(1))`")
                    }
                }
            case ")":
                depth -= 1
                if depth < 0 { throw fail("unexpected ): `\(pattern)`") }
            case "*", "+", "?":
                if i + 1 < s.count, s[i + 1] == "+" { throw fail("invalid nested repetition operator: `\(c)+`") }
                if i + 1 < s.count, s[i + 1] == "*" || (c != "?" && s[i + 1] == "?" && i + 2 < s.count && (s[i + 2] == "*" || s[i + 2] == "+")) {
                    throw fail("invalid nested repetition operator: `\(c)\(s[i + 1])`")
                }
            default: break
            }
            i += 1
        }
        if inClass { throw fail("missing closing ]: `\(pattern)`") }
        if depth > 0 { throw fail("missing closing ): `\(pattern)`") }
    }

    private static let meta: Set<Unicode.Scalar> = [".", "^", "$", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "\\"]
    /// Escapes that stand for a character class or an assertion, not for themselves.
    private static let classEscapes: Set<Unicode.Scalar> = ["d", "D", "s", "S", "w", "W", "b", "B", "A", "z", "Z", "p", "P", "Q", "E", "C", "x", "n", "t", "r", "f", "v", "a", "e", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]

    /// The string a pattern matches when it contains no metacharacters (after escapes), else nil.
    static func literal(_ pattern: String) -> String? {
        var out = String.UnicodeScalarView()
        var it = pattern.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "\\" {
                guard let n = it.next(), !classEscapes.contains(n), n.isASCII, !n.properties.isAlphabetic else { return nil }
                out.append(n)
            } else if meta.contains(c) {
                return nil
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// Literal text every match of `pattern` starts with ("" when none can be told): its
    /// leading literal characters, less the last one when a quantifier that allows zero of it
    /// (`*`, `?`, `{`) follows; "" for any pattern with a `|` (conservative).
    static func requiredPrefix(_ pattern: String) -> String {
        if pattern.unicodeScalars.contains("|") { return "" }
        var out = String.UnicodeScalarView()
        var it = pattern.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "\\" {
                guard let n = it.next(), !classEscapes.contains(n), n.isASCII, !n.properties.isAlphabetic else { break }
                out.append(n)
            } else if meta.contains(c) {
                if (c == "*" || c == "?" || c == "{") && !out.isEmpty { out.removeLast() }
                break
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// `a|b|c` where every branch is a literal (optionally wrapped in one group), else nil.
    static func alternationOfLiterals(_ pattern: String) -> [String]? {
        var p = Substring(pattern)
        if p.hasPrefix("(?:"), p.hasSuffix(")") { p = p.dropFirst(3).dropLast() } else if p.hasPrefix("("), p.hasSuffix(")") { p = p.dropFirst().dropLast() }
        guard p.contains("|") else { return nil }
        var branches: [String] = []
        var current = ""
        var escaped = false
        for c in p {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" { current.append(c); escaped = true; continue }
            if c == "|" { branches.append(current); current = ""; continue }
            current.append(c)
        }
        branches.append(current)
        var out: [String] = []
        for b in branches {
            guard let lit = literal(b) else { return nil }
            out.append(lit)
        }
        return out
    }
}
