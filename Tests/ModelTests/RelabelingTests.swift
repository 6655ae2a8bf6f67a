import Foundation
import Testing
@testable import Model

/// Unit tests of relabeling internals; the corpus runs in IntegrationTests through the
/// configuration loader (`RelabelConformance`).
@Suite struct RelabelingTests {
    @Test func md5MatchesKnownDigests() {
        func hex(_ s: String) -> String { MD5.hash(Array(s.utf8)).map { String(format: "%02x", $0) }.joined() }
        #expect(hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
        #expect(hex(String(repeating: "a", count: 200)).count == 32)
    }

    @Test func actionsOnASmallSet() throws {
        let l = Labels(("a", "Foo"), ("b", "bar"))
        #expect(Relabeling.process(l, [try RelabelRule(sourceLabels: ["a"], targetLabel: "c", action: .lowercase)])?["c"] == "foo")
        #expect(Relabeling.process(l, [try RelabelRule(sourceLabels: ["b"], regex: "ba.", action: .drop)]) == nil)
        #expect(Relabeling.process(l, [try RelabelRule(regex: "a", action: .labeldrop)])?.has("a") == false)
        #expect(Relabeling.process(l, [try RelabelRule(sourceLabels: ["a"], modulus: 8, targetLabel: "h", action: .hashmod)])?["h"] != nil)
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
