import Testing
@testable import Model

/// One matcher case: operator, pattern, and which inputs it must and must not accept.
struct MatcherCase: Sendable, CustomTestStringConvertible {
    let type: Matcher.MatchType
    let pattern: String
    let accepts: [String]
    let rejects: [String]
    var testDescription: String { "\(type.rawValue)\(pattern)" }
}

@Suite struct MatcherTests {
    static let cases: [MatcherCase] = [
        .init(type: .equal, pattern: "foo", accepts: ["foo"], rejects: ["", "fooo", "Foo"]),
        .init(type: .notEqual, pattern: "foo", accepts: ["", "bar"], rejects: ["foo"]),
        .init(type: .regexMatch, pattern: "foo", accepts: ["foo"], rejects: ["xfoo", "foox", ""]),
        .init(type: .regexMatch, pattern: ".*", accepts: ["", "x", "a\nb"], rejects: []),
        .init(type: .regexMatch, pattern: ".+", accepts: ["x", "\n"], rejects: [""]),
        .init(type: .regexMatch, pattern: "a|b|cd", accepts: ["a", "b", "cd"], rejects: ["ab", "c", ""]),
        .init(type: .regexMatch, pattern: "(?:a|b)", accepts: ["a", "b"], rejects: ["ab"]),
        .init(type: .regexMatch, pattern: "foo.*", accepts: ["foo", "foobar", "foo\nx"], rejects: ["xfoo", "fo"]),
        .init(type: .regexMatch, pattern: ".*bar", accepts: ["bar", "foobar"], rejects: ["barx"]),
        .init(type: .regexMatch, pattern: ".*oo.*", accepts: ["oo", "foo", "foox"], rejects: ["fo", "o"]),
        .init(type: .regexMatch, pattern: "a\\.b", accepts: ["a.b"], rejects: ["axb"]),
        .init(type: .regexMatch, pattern: "a.b", accepts: ["a.b", "axb", "a\nb"], rejects: ["ab"]),
        .init(type: .regexMatch, pattern: "[0-9]+", accepts: ["0", "123"], rejects: ["", "1a", "a1"]),
        .init(type: .regexMatch, pattern: "(?i)foo", accepts: ["FOO", "foo"], rejects: ["fo"]),
        .init(type: .regexMatch, pattern: "\\d{2}", accepts: ["12"], rejects: ["1", "123"]),
        .init(type: .regexMatch, pattern: "", accepts: [""], rejects: ["a"]),
        .init(type: .regexMatch, pattern: "é+", accepts: ["éé"], rejects: ["e"]),
        .init(type: .regexMatch, pattern: "(?P<x>a)b", accepts: ["ab"], rejects: ["b"]),
        .init(type: .regexMatch, pattern: "x$", accepts: ["x"], rejects: ["x\n"]),
        .init(type: .regexMatch, pattern: "\\pL+", accepts: ["abcé"], rejects: ["a1", ""]),
        .init(type: .regexNoMatch, pattern: "foo|bar", accepts: ["", "baz"], rejects: ["foo", "bar"]),
        .init(type: .regexMatch, pattern: "node_memory_.+", accepts: ["node_memory_x", "node_memory_\n"], rejects: ["node_memory_", "node_mem", "xnode_memory_x"]),
        .init(type: .regexMatch, pattern: "ab*c", accepts: ["ac", "abbc"], rejects: ["bc", "abb"]),
        .init(type: .regexMatch, pattern: "ab+", accepts: ["ab", "abbb"], rejects: ["a", "b"]),
        .init(type: .regexMatch, pattern: "abc?d", accepts: ["abd", "abcd"], rejects: ["acd"]),
        .init(type: .regexMatch, pattern: "x{2}y", accepts: ["xxy"], rejects: ["xy", "y"]),
        .init(type: .regexMatch, pattern: "foo(bar|baz)", accepts: ["foobar", "foobaz"], rejects: ["foo"]),
        .init(type: .regexMatch, pattern: "a\\.b+", accepts: ["a.b", "a.bb"], rejects: ["axb", "a."]),
    ]

    @Test(arguments: cases)
    func matches(_ c: MatcherCase) throws {
        let m = try Matcher(c.type, "l", c.pattern)
        for s in c.accepts { #expect(m.matches(s), "\(c.testDescription) should accept \(s.debugDescription)") }
        for s in c.rejects { #expect(!m.matches(s), "\(c.testDescription) should reject \(s.debugDescription)") }
    }

    @Test func fastPathsAvoidTheRegexEngine() throws {
        func kind(_ p: String) throws -> String {
            switch try Matcher(.regexMatch, "l", p).stringMatcher {
            case .any: return "any"
            case .nonEmpty: return "nonEmpty"
            case .literal: return "literal"
            case .set: return "set"
            case .prefix: return "prefix"
            case .prefixAndMore: return "prefixAndMore"
            case .suffix: return "suffix"
            case .contains: return "contains"
            case .regex: return "regex"
            }
        }
        #expect(try kind(".*") == "any")
        #expect(try kind(".+") == "nonEmpty")
        #expect(try kind("abc") == "literal")
        #expect(try kind("a|b|c") == "set")
        #expect(try kind("api_.*") == "prefix")
        #expect(try kind(".*_total") == "suffix")
        #expect(try kind(".*err.*") == "contains")
        #expect(try kind("a+") == "regex")
        #expect(try Matcher(.regexMatch, "l", "b|a").setMatches == ["a", "b"])
        #expect(try Matcher(.regexMatch, "l", "ab.*").literalPrefix == "ab")
        #expect(try kind("node_memory_.+") == "prefixAndMore")
        #expect(try kind("a\\.+") == "regex")  // a literal dot, repeated
        #expect(try Matcher(.regexMatch, "l", "node_.+").literalPrefix == "node_")
    }

    /// The literal text a general regex's matches must start with (checked before the regex
    /// engine, and used by the postings to narrow values by binary search).
    @Test func requiredPrefixOfGeneralRegexes() throws {
        #expect(RE2Syntax.requiredPrefix("node_(cpu|mem).*") == "")  // an alternation: none told
        #expect(RE2Syntax.requiredPrefix("node_[a-z]+") == "node_")
        #expect(RE2Syntax.requiredPrefix("ab*c") == "a")
        #expect(RE2Syntax.requiredPrefix("ab+c") == "ab")
        #expect(RE2Syntax.requiredPrefix("abc?") == "ab")
        #expect(RE2Syntax.requiredPrefix("ab{2,}") == "a")
        #expect(RE2Syntax.requiredPrefix("a\\.b\\d") == "a.b")
        #expect(RE2Syntax.requiredPrefix("(?i)abc") == "")
        #expect(RE2Syntax.requiredPrefix("^abc") == "")
        #expect(try Matcher(.regexMatch, "l", "node_[a-z]+").literalPrefix == "node_")
        #expect(try Matcher(.regexMatch, "l", "[a-z]+").literalPrefix == nil)
    }

    @Test(arguments: ["(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "(a)\\1", "a++", "(?>a)", "(", "a)", "[a", "\\"])
    func rejectsWhatRE2Rejects(_ pattern: String) {
        #expect(throws: MatcherError.self) { try Matcher(.regexMatch, "l", pattern) }
    }

    @Test func labelsAndEmptyMatching() throws {
        let l = Labels(("job", "api"))
        #expect(try Matcher(.equal, "zone", "").matches(l))
        #expect(try Matcher(.regexMatch, "zone", ".*").matchesEmpty)
        #expect(try ![Matcher(.equal, "job", "api"), Matcher(.notEqual, "job", "api")].matches(l))
        #expect(try Matcher(.regexMatch, "job", "a.i").description == #"job=~"a.i""#)
    }
}
