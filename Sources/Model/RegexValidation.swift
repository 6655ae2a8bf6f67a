/// Checks that `pattern` is a valid RE2 regular expression, the syntax Prometheus accepts.
///
/// The configuration loader uses this to reject relabel and matcher regexes at load time. It refuses
/// what RE2 lacks (look-around, back-references, atomic groups, possessive quantifiers) and then lets
/// Swift's regex parser catch remaining syntax errors, after rewriting the RE2 spellings Swift does not
/// read (`\pL` → `\p{L}`), so valid RE2 such as `\pL+` or `(?P<name>…)` is accepted.
/// - Throws: `MatcherError` naming the pattern and the problem.
public func validateRE2(_ pattern: String) throws(MatcherError) {
    try RE2Syntax.validate(pattern)
    do {
        _ = try Regex("(?s:" + swiftSpelling(ofRE2: pattern) + ")")
    } catch {
        throw MatcherError(pattern: pattern, reason: "\(error)")
    }
}

/// RE2's one-letter Unicode classes `\pL` / `\PL` written as Swift reads them, `\p{L}` / `\P{L}`.
func swiftSpelling(ofRE2 pattern: String) -> String {
    var out = String.UnicodeScalarView()
    let s = Array(pattern.unicodeScalars)
    var i = 0
    while i < s.count {
        if s[i] == "\\", i + 2 < s.count, s[i + 1] == "p" || s[i + 1] == "P", s[i + 2] != "{" {
            out.append(contentsOf: ["\\", s[i + 1], "{", s[i + 2], "}"])
            i += 3
        } else if s[i] == "\\", i + 1 < s.count {
            out.append(contentsOf: [s[i], s[i + 1]])
            i += 2
        } else {
            out.append(s[i])
            i += 1
        }
    }
    return String(out)
}
