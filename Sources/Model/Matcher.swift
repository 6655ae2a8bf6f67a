/// A condition on one label of a series, as in a PromQL selector `{name<op>"value"}`.
///
/// Regex matchers are fully anchored and accept RE2 syntax (what Prometheus accepts);
/// the common shapes (literals, `a|b|c`, `prefix.*`, `.*`, `.+`) are answered without
/// running a regex engine.
public struct Matcher: Sendable, Hashable, CustomStringConvertible {
    /// The four operators of PromQL.
    public enum MatchType: String, Sendable, Hashable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNoMatch = "!~"
    }

    public let type: MatchType
    public let name: String
    public let value: String
    @usableFromInline let stringMatcher: StringMatcher

    /// - Throws: `MatcherError` when a regex does not compile or uses syntax RE2 lacks.
    public init(_ type: MatchType, _ name: String, _ value: String) throws(MatcherError) {
        self.type = type
        self.name = name
        self.value = value
        switch type {
        case .equal, .notEqual: stringMatcher = .literal(value)
        case .regexMatch, .regexNoMatch: stringMatcher = try StringMatcher.compile(regex: value)
        }
    }

    /// Whether a label value satisfies this matcher; an absent label has the value "".
    @inlinable public func matches(_ s: String) -> Bool {
        switch type {
        case .equal: return s == value
        case .notEqual: return s != value
        case .regexMatch: return stringMatcher.matches(s)
        case .regexNoMatch: return !stringMatcher.matches(s)
        }
    }

    /// Whether the series' label set satisfies this matcher.
    public func matches(_ labels: Labels) -> Bool { matches(labels[name] ?? "") }

    /// True when the matcher accepts the empty string, i.e. also series without the label.
    public var matchesEmpty: Bool { matches("") }

    /// For `=` and for regexes that are a set of literals: the exact values that match.
    /// Lets an index look values up instead of scanning them all.
    public var setMatches: [String]? {
        switch type {
        case .equal: return [value]
        case .regexMatch:
            switch stringMatcher {
            case .literal(let s): return [s]
            case .set(let s): return s.sorted()
            default: return nil
            }
        default: return nil
        }
    }

    /// Literal text every value this regex matches starts with (`""` for `.*`); nil when there
    /// is none to tell. `""` means "matches everything" only for `.*`: other regexes give nil.
    public var literalPrefix: String? {
        guard type == .regexMatch || type == .regexNoMatch else { return nil }
        switch stringMatcher {
        case .prefix(let p), .prefixAndMore(let p): return p
        case .regex(let r): return r.prefix.isEmpty ? nil : r.prefix
        case .literal(let s): return s
        case .any: return ""
        default: return nil
        }
    }

    public var description: String { "\(name)\(type.rawValue)\(quoted(value))" }

    public static func == (lhs: Matcher, rhs: Matcher) -> Bool {
        lhs.type == rhs.type && lhs.name == rhs.name && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(name)
        hasher.combine(value)
    }
}

/// Why a matcher could not be built.
public struct MatcherError: Error, Sendable, CustomStringConvertible, Equatable {
    public let pattern: String
    public let reason: String
    public var description: String { "invalid regular expression \(quoted(pattern)): \(reason)" }
}

extension Array where Element == Matcher {
    /// Whether a series satisfies every matcher.
    public func matches(_ labels: Labels) -> Bool { allSatisfy { $0.matches(labels) } }
}
