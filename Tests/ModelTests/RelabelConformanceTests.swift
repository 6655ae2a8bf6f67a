import Foundation
import Testing
@testable import Model

/// One case of `relabel/cases.json`: rules applied to an input set, expected output or drop.
struct RelabelCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [String: String]
    let configs: [[String: AnyJSON]]
    let output: [String: String]?
    var testDescription: String { name }

    static func load() throws -> [RelabelCase] {
        let root = try Conformance.json("relabel/cases.json") as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { c in
            RelabelCase(
                name: c["name"] as! String,
                input: c["input"] as! [String: String],
                configs: (c["configs"] as! [[String: Any]]).map { $0.mapValues(AnyJSON.init) },
                output: c["output"] as? [String: String]
            )
        }
    }
}

/// A JSON value carried through Sendable test arguments.
enum AnyJSON: Sendable {
    case string(String), number(Double), strings([String]), null, other
    init(_ v: Any) {
        switch v {
        case let s as String: self = .string(s)
        case let n as NSNumber: self = .number(n.doubleValue)
        case let a as [Any]: self = .strings(a.map { "\($0)" })
        case is NSNull: self = .null
        default: self = .other
        }
    }
    var string: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n == n.rounded() ? String(Int64(n)) : String(n)
        case .null: return ""
        default: return nil
        }
    }
}

/// Builds the engine's rule from YAML-named fields with Prometheus's defaults (a present field wins, even empty).
func relabelRule(_ c: [String: AnyJSON]) throws -> RelabelRule {
    var sources: [String] = []
    if case .strings(let s)? = c["source_labels"] { sources = s }
    return try RelabelRule(
        sourceLabels: sources,
        separator: c["separator"]?.string ?? ";",
        regex: c["regex"]?.string ?? "(.*)",
        modulus: c["modulus"].flatMap { if case .number(let n) = $0 { UInt64(n) } else { nil } } ?? 0,
        targetLabel: c["target_label"]?.string ?? "",
        replacement: c["replacement"]?.string ?? "$1",
        action: RelabelAction(name: c["action"]?.string ?? "replace")!
    )
}

@Suite struct RelabelConformanceTests {
    @Test(arguments: try RelabelCase.load())
    func relabelCase(_ c: RelabelCase) throws {
        let rules = try c.configs.map(relabelRule)
        let result = Relabeling.process(Labels(c.input), rules)
        if let expected = c.output {
            #expect(result?.dictionary == expected)
        } else {
            #expect(result == nil, "expected the set to be dropped, got \(String(describing: result))")
        }
    }

    @Test func md5MatchesKnownDigests() {
        func hex(_ s: String) -> String { MD5.hash(Array(s.utf8)).map { String(format: "%02x", $0) }.joined() }
        #expect(hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
        #expect(hex(String(repeating: "a", count: 200)).count == 32)
    }

    @Test func templateExpansionFollowsGo() throws {
        let g = RegexGroups(values: ["foo-bar", "foo", "bar"], names: [nil, nil, "x"])
        #expect(Relabeling.expand("$1", g) == "foo")
        #expect(Relabeling.expand("${1}_y", g) == "foo_y")
        #expect(Relabeling.expand("$1_y", g) == "")
        #expect(Relabeling.expand("$$1", g) == "$1")
        #expect(Relabeling.expand("${x}", g) == "bar")
        #expect(Relabeling.expand("a$", g) == "a$")
        #expect(Relabeling.expand("${0}", g) == "foo-bar")
    }
}
