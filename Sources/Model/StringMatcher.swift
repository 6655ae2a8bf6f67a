/// A compiled, anchored regex with fast paths for the shapes most selectors use.
@usableFromInline
enum StringMatcher: Sendable {
    /// `.*`
    case any
    /// `.+`
    case nonEmpty
    /// A pattern without metacharacters (escapes resolved).
    case literal(String)
    /// `a|b|c` of literals.
    case set(Set<String>)
    /// `lit.*`
    case prefix(String)
    /// `lit.+`
    case prefixAndMore(String)
    /// `.*lit`
    case suffix(String)
    /// `.*lit.*`
    case contains(String)
    /// Everything else.
    case regex(CompiledRegex)

    @usableFromInline
    func matches(_ s: String) -> Bool {
        switch self {
        case .any: return true
        case .nonEmpty: return !s.isEmpty
        case .literal(let l): return s == l
        case .set(let set): return set.contains(s)
        case .prefix(let p): return s.utf8.starts(with: p.utf8)
        case .prefixAndMore(let p): return s.utf8.count > p.utf8.count && s.utf8.starts(with: p.utf8)
        case .suffix(let p): return s.utf8.count >= p.utf8.count && s.utf8.reversed().starts(with: p.utf8.reversed())
        case .contains(let p): return p.isEmpty || s.utf8.count >= p.utf8.count && containsBytes(s, p)
        case .regex(let r): return r.matches(s)
        }
    }

    static func compile(regex pattern: String) throws(MatcherError) -> StringMatcher {
        try RE2Syntax.validate(pattern)
        if pattern == ".*" { return .any }
        if pattern == ".+" { return .nonEmpty }
        if let lit = RE2Syntax.literal(pattern) { return .literal(lit) }
        if let alts = RE2Syntax.alternationOfLiterals(pattern) { return .set(Set(alts)) }
        if pattern.hasSuffix(".*"), !pattern.hasSuffix("\\.*") {
            let head = String(pattern.dropLast(2))
            if head.hasPrefix(".*"), let mid = RE2Syntax.literal(String(head.dropFirst(2))) { return .contains(mid) }
            if let lit = RE2Syntax.literal(head) { return .prefix(lit) }
        }
        if pattern.hasSuffix(".+"), !pattern.hasSuffix("\\.+"), let lit = RE2Syntax.literal(String(pattern.dropLast(2))) {
            return .prefixAndMore(lit)
        }
        if pattern.hasPrefix(".*"), let lit = RE2Syntax.literal(String(pattern.dropFirst(2))) { return .suffix(lit) }
        return .regex(try CompiledRegex(pattern))
    }
}

private func containsBytes(_ s: String, _ p: String) -> Bool {
    let hay = Array(s.utf8), needle = Array(p.utf8)
    if needle.count > hay.count { return false }
    outer: for i in 0...(hay.count - needle.count) {
        for j in 0..<needle.count where hay[i + j] != needle[j] { continue outer }
        return true
    }
    return false
}

/// A Swift `Regex` compiled from an RE2 pattern, anchored at both ends with `.` matching
/// newlines (Prometheus compiles `^(?s:pattern)$`) and matching by Unicode scalar, as Go does by rune.
@usableFromInline
final class CompiledRegex: @unchecked Sendable {  // safe: the Regex is immutable after init
    let regex: Regex<AnyRegexOutput>
    /// Literal text every match starts with, checked before the (much slower) regex; also lets
    /// the postings narrow a label's values by binary search.
    let prefix: String

    init(_ pattern: String) throws(MatcherError) {
        prefix = RE2Syntax.requiredPrefix(pattern)
        do {
            regex = try Regex("(?s:" + swiftSpelling(ofRE2: pattern) + ")").matchingSemantics(.unicodeScalar)
        } catch {
            throw MatcherError(pattern: pattern, reason: "\(error)")
        }
    }

    func matches(_ s: String) -> Bool {
        guard s.utf8.starts(with: prefix.utf8) else { return false }
        return (try? regex.wholeMatch(in: s)) != nil
    }
}
