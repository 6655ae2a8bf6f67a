import Config
import Foundation
import Model
import Prompb
@testable import Query
import Scrape
import Testing

/// Inputs built to exhaust the stack or memory: each must be refused (or accepted) with a
/// typed error in bounded time, never a stack overflow. The PromQL and YAML limits these
/// exercise are documented in docs/RELIABILITY.md.
@Suite("Fuzz: deep and huge inputs")
struct DeepInputTests {
    static func time<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
        let start = ContinuousClock.now
        let r = try body()
        return (r, ContinuousClock.now - start)
    }

    static func promQLError(_ query: String) -> Query.ParseError? {
        do { _ = try parseExpr(query); return nil } catch { return error }
    }

    static let deepQueries: KeyValuePairs<String, String> = [
        "parens": String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
        "unclosed parens": String(repeating: "(", count: 100_000),
        "unary minus": String(repeating: "-", count: 100_000) + "1",
        "calls": String(repeating: "abs(", count: 100_000) + "x" + String(repeating: ")", count: 100_000),
        "aggregations": String(repeating: "sum(", count: 100_000) + "x" + String(repeating: ")", count: 100_000),
        "subqueries": String(repeating: "(", count: 50_000) + "x" + String(repeating: ")[5m:]", count: 50_000),
        "subquery chain": "x" + String(repeating: "[5m:]", count: 100_000),
        "duration parens": "x[" + String(repeating: "(", count: 100_000) + "1m" + String(repeating: ")", count: 100_000) + "]",
        "duration chain": "x[1m" + String(repeating: " + 1m", count: 100_000) + "]",
        "left chain": "x" + String(repeating: " + x", count: 100_000),
        "power chain": "x" + String(repeating: " ^ x", count: 100_000),
    ]

    // Arguments are the case names: the inputs themselves are too long to print.
    @Test("PromQL: 100,000 nested parentheses, unary minus, calls, binary chains", .timeLimit(.minutes(1)),
          arguments: deepQueries.map(\.key))
    func promQLDepth(_ name: String) throws {
        let query = Self.deepQueries.first { $0.key == name }!.value
        let (error, took) = Self.time { Self.promQLError(query) }
        let e = try #require(error, "\(name) must be rejected")
        #expect(!e.message.isEmpty, "\(name)")
        #expect(took < .seconds(10), "\(name) took \(took)")
    }

    /// At the limits, the engine (which recurses too) must still evaluate, on a test thread whose
    /// stack is no larger than the dispatch thread the server evaluates on.
    @Test("PromQL: expressions at the nesting limits parse and evaluate")
    func promQLAtTheLimits() {
        let n = Parser.maxNesting - 1
        let chain = Parser.maxTreeDepth - 1
        let script = """
        load 1m
          foo 1+1x5

        eval instant at 1m \(String(repeating: "(", count: n))foo\(String(repeating: ")", count: n))
          foo 2

        eval instant at 1m \(String(repeating: "abs(", count: n))foo\(String(repeating: ")", count: n))
          {} 2

        eval instant at 1m foo\(String(repeating: " + foo", count: chain))
          {} \(2 * (chain + 1))

        eval instant at 1m \(String(repeating: "-", count: n))1
          \(n % 2 == 0 ? 1 : -1)
        """
        var report = ConformanceReport()
        PromQLConformance.runScript(name: "limits.test", text: script, into: &report, verbose: false, strict: true)
        #expect(report.summary == "4 passed, 0 failed, 0 skipped", "\(report.cases.map(\.reason)) \(report.scriptErrors)")
        #expect(Self.promQLError("x" + String(repeating: " + x", count: chain + 1)) != nil)
        #expect(Self.promQLError(String(repeating: "(", count: n + 1) + "x" + String(repeating: ")", count: n + 1)) != nil)
    }

    static let deepYAML: KeyValuePairs<String, String> = [
        "flow sequences": String(repeating: "[", count: 100_000),
        "flow mappings": String(repeating: "{a: ", count: 100_000),
        "block sequences": String(repeating: "- ", count: 100_000) + "x",
        "block sequences by line": (0..<3_000).map { String(repeating: " ", count: $0) + "- a:" }.joined(separator: "\n"),
        "indented mappings": (0..<3_000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n"),
    ]

    @Test("YAML: deep flow and block nesting", .timeLimit(.minutes(1)), arguments: deepYAML.map(\.key))
    func yamlDepth(_ name: String) {
        let yaml = Self.deepYAML.first { $0.key == name }!.value
        let (result, took) = Self.time { () -> ConfigError? in
            do throws(ConfigError) { _ = try ConfigLoader.parse(yaml: yaml, baseDirectory: "/tmp"); return nil } catch { return error }
        }
        #expect(result != nil, "\(name) must be rejected")
        #expect(took < .seconds(20), "\(name) took \(took)")
    }

    @Test("Exposition: huge names, values and label sets", .timeLimit(.minutes(1)))
    func expositionHuge() {
        let long = String(repeating: "a", count: 1 << 20)
        let labels = (0..<20_000).map { "l\($0)=\"v\"" }.joined(separator: ",")
        let bodies = [
            "\(long) 1\n",
            "m{l=\"\(long)\"} 1\n",
            "m{\(labels)} 1\n",
            String(repeating: "m 1\n", count: 200_000),
            "m{l=\"" + String(repeating: "\\", count: 100_000) + "\"} 1\n",
            "m 1" + String(repeating: "0", count: 100_000) + "\n",
        ]
        for body in bodies {
            for format in [ExpositionFormat.prometheusText, .openMetrics] {
                let (_, took) = Self.time { ExpositionFuzzTests.parseAll(Array(body.utf8), format: format) }
                #expect(took < .seconds(10))
            }
        }
    }

    @Test("Snappy: a block claiming 4 GiB is refused before allocating")
    func snappyBomb() {
        // Varint length 0xFFFFFFFF followed by a literal tag.
        let bomb: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x41]
        #expect(throws: Snappy.DecodeError.self) { try Snappy.decode(bomb) }
    }
}
