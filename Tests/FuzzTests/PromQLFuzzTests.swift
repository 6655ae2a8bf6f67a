import Query
import Testing

/// PromQL arrives in every query request, from anyone who can reach the API.
@Suite("Fuzz: PromQL parser")
struct PromQLFuzzTests {
    static let tokens = ["sum by (job) (", "rate(", "[5m]", "[1h:30s]", " offset -1m", " @ start()", " @ 1e308", "{__name__=~\".+\"}",
                         " and on(a) group_left(b) ", " or ", " unless ", " ^ ", " atan2 ", " bool ", "topk(", "count_values(",
                         "histogram_quantile(", "label_replace(", "1h30m", "0x", "Inf", "NaN", "'\\u00e9'", "`raw`", "!~", "=~",
                         "without", "ignoring(", "fill(0)", "((((((((((", "))))))))))", "-----"]

    @Test("parse, print, re-parse", .timeLimit(.minutes(1)))
    func parser() {
        let seeds = FuzzCorpus.seeds("promql")
        #expect(!seeds.isEmpty)
        var roundTripFailures: [String] = []
        let report = FuzzRun(target: "promql", tokens: Self.tokens).run(seeds: seeds) { input in
            let text = String(decoding: input, as: UTF8.self)
            do throws(Query.ParseError) {
                let expr = try parseExpr(text)
                // What format_query returns must parse again (Prometheus's String() contract).
                let printed = expr.description
                do { _ = try parseExpr(printed) } catch {
                    roundTripFailures.append("\(text.debugDescription) printed as \(printed.debugDescription): \(error)")
                }
                return .accepted
            } catch {
                return .rejected(error, message: error.message)
            }
        }
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(roundTripFailures.isEmpty, "\(roundTripFailures.prefix(5))")
    }
}
