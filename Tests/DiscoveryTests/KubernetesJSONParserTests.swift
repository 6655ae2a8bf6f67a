import Foundation
import KubernetesConformance
import Testing
@testable import Discovery

/// The hand-written parser behind `JSONValue.parse` (watch lines and list bodies).
@Suite struct KubernetesJSONParserTests {
    @Test func valuesEscapesAndNumbers() throws {
        let text = #" {"s":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00","n":[0,-1.5,2e3,1E-2,12345678901],"t":true,"f":false,"z":null,"o":{},"a":[], "u":"ünï"} "#
        let v = try JSONValue.parse(Array(text.utf8))
        #expect(v["s"].str == "a\"b\\c/d\n\té😀")
        #expect(v["n"].array == [.number(0), .number(-1.5), .number(2000), .number(0.01), .number(12345678901)])
        #expect(v["t"] == .bool(true) && v["f"] == .bool(false) && v["z"] == .null)
        #expect(v["o"] == .object([]) && v["a"] == .array([]))
        #expect(try JSONValue.parse(Array(#"{"k":1,"k":2}"#.utf8))["k"] == .number(2), "the last duplicate wins")
        #expect(v["u"].str == "ünï")
        #expect(v["n"].array[4].int == 12345678901)
    }

    @Test(arguments: [#"{"a":1"#, #"{"a" 1}"#, "[1,]", "[01]", "tru", #""abc"#, #""\x""#, "1 2", "{\"a\":\"\u{01}\"}", "-", "1.", "1e", "", #"{"a":1,}"#])
    func malformedInputThrows(_ text: String) {
        #expect(throws: KubernetesError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: KubernetesError.self) { try JSONValue.parse(Array(deep.utf8)) }
    }

    /// Agrees with Foundation on every list body of the conformance corpus.
    @Test func agreesWithJSONSerializationOnTheCorpus() throws {
        for fixture in KubernetesTests.fixtures {
            let data = try Data(contentsOf: fixture.directory.appendingPathComponent("objects.json"))
            let ours = try JSONValue.parse(Array(data))
            let theirs = try JSONSerialization.jsonObject(with: data)
            #expect(Self.canonical(ours) == Self.convert(theirs), "\(fixture.name)")
        }
    }

    /// Members sorted by key, recursively (JSONSerialization's dictionaries have no order).
    static func canonical(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let m): return .object(m.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: canonical($0.value)) })
        case .array(let a): return .array(a.map(canonical))
        default: return v
        }
    }

    static func convert(_ any: Any) -> JSONValue {
        switch any {
        case let d as [String: Any]: return .object(d.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: convert($0.value)) })
        case let a as [Any]: return .array(a.map(convert))
        case let s as String: return .string(s)
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" || String(cString: n.objCType) == "B" { return .bool(n.boolValue) }
            return .number(n.doubleValue)
        default: return .null
        }
    }
}
