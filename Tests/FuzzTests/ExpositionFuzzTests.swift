import Model
import Scrape
import Testing

/// The scrape body parsers read bytes from any target on the network.
@Suite("Fuzz: exposition parsers")
struct ExpositionFuzzTests {
    static let tokens = ["# HELP ", "# TYPE ", "# UNIT ", "# EOF\n", "counter", "histogram", "summary", "gaugehistogram",
                         "stateset", "info", "_created", "_bucket{le=\"+Inf\"}", " # {trace_id=\"x\"} 1 1", "quantile=",
                         "=\"", "\",", "{\"utf8.name\"}", " 1 1520879607.789", " -1e-3 ", "\\n"]

    @Test("Prometheus text 0.0.4", .timeLimit(.minutes(1)))
    func promText() {
        fuzz("promtext", format: .prometheusText)
    }

    @Test("OpenMetrics 1.0", .timeLimit(.minutes(1)))
    func openMetrics() {
        fuzz("openmetrics", format: .openMetrics)
    }

    func fuzz(_ target: String, format: ExpositionFormat) {
        let seeds = FuzzCorpus.seeds(target)
        #expect(!seeds.isEmpty)
        let report = FuzzRun(target: target, tokens: Self.tokens).run(seeds: seeds) { input in
            Self.parseAll(input, format: format)
        }
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    /// Everything the scrape loop does with a body: every entry, and for each series its
    /// labels, exemplar and start timestamp.
    static func parseAll(_ input: [UInt8], format: ExpositionFormat) -> FuzzOutcome {
        for strict in [false, true] {
            var parser = ExpositionParser(bytes: input, format: format, options: .init(strictOpenMetrics: strict))
            do {
                while let entry = try parser.next() {
                    guard entry == .series else { continue }
                    _ = parser.labels()
                    _ = parser.exemplar()
                    _ = parser.startTimestamp()
                }
            } catch {
                if strict { continue }
                return .rejected(error, message: error.message)
            }
            if format == .prometheusText { break }
        }
        return .accepted
    }
}
