import Config
import Foundation
import Model
import Testing
@testable import Scrape

/// One case of `relabel/targets.json`: a job, its discovered groups, the expected targets.
struct TargetCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let groups: [TargetGroup]
    let expected: [[String: AnyJSONValue]]
    var testDescription: String { name }

    static func load() throws -> [TargetCase] {
        let root = try Conformance.json("relabel/targets.json") as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { c in
            var doc: [String: Any] = ["scrape_configs": [c["scrape_config"]!]]
            if let g = c["global"] { doc["global"] = g }
            // JSON is YAML: the job goes through the same loader as a prometheus.yml.
            let yaml = String(decoding: try! JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
            let groups = (c["groups"] as! [[String: Any]]).enumerated().map { i, g in
                TargetGroup(
                    source: String(i),
                    targets: (g["targets"] as! [Any]).map { t in
                        if let s = t as? String { return Labels(("__address__", s)) }
                        return Labels(t as! [String: String])
                    },
                    labels: Labels((g["labels"] as? [String: String]) ?? [:])
                )
            }
            let expected = (c["expected"] as! [[String: Any]]).map { $0.mapValues(AnyJSONValue.init) }
            return TargetCase(name: c["name"] as! String, yaml: yaml, groups: groups, expected: expected)
        }
    }
}

/// A JSON value carried through Sendable test arguments.
enum AnyJSONValue: Sendable {
    case string(String), object([String: String]), other
    init(_ v: Any) {
        if let s = v as? String { self = .string(s) } else if let o = v as? [String: String] { self = .object(o) } else { self = .other }
    }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var object: [String: String]? { if case .object(let o) = self { o } else { nil } }
}

@Suite struct TargetConformanceTests {
    @Test(arguments: try TargetCase.load())
    func targetCase(_ c: TargetCase) throws {
        let config = try ConfigLoader.parse(yaml: c.yaml, baseDirectory: "/tmp")
        let job = try #require(config.scrapeConfigs.first)
        let builder = try ScrapePool.builder(for: job)
        let results = c.groups.flatMap { builder.targets(from: $0) }
        try #require(results.count == c.expected.count)
        for (result, expected) in zip(results, c.expected) {
            switch (expected["status"]?.string, result) {
            case ("ok", .target(let t)):
                #expect(t.labels.dictionary == expected["labels"]?.object)
                #expect(t.publicLabels.dictionary == expected["public_labels"]?.object)
                #expect(t.url == expected["url"]?.string)
            case ("dropped", .dropped):
                break
            case ("error", .failed(_, let reason)):
                let words = expected["error"]?.string ?? ""
                #expect(reason.contains(words), "error \(reason.debugDescription) should contain \(words.debugDescription)")
            default:
                Issue.record("expected \(expected["status"]?.string ?? "?"), got \(result)")
            }
        }
    }
}
