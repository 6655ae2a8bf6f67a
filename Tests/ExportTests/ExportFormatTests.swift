import Foundation
import Logging
import Model
import Query
import Storage
import Testing

/// Column specs, times, CSV/JSON encoding: the pieces `lantern export` and the HTTP export share.
@Suite struct ExportFormatTests {
    @Test func parsesVictoriaMetricsColumnSpecs() throws {
        let cols = try ExportColumn.parse("__name__,job, __value__,__timestamp__:unix_s,__timestamp__,__timestamp__:rfc3339")
        #expect(cols == [.metricName, .label("job"), .value, .timestamp(.unixSeconds), .timestamp(.unixMillis), .timestamp(.rfc3339)])
        #expect(throws: ExportError.self) { try ExportColumn.parse("__name__,,job") }
        #expect(throws: ExportError.self) { try ExportColumn.parse("__timestamp__:weeks") }
        #expect(throws: ExportError.self) { try ExportColumn.parse("__value__x") }
    }

    @Test func parsesTimes() throws {
        #expect(try ExportTime.parse("1700000000") == 1_700_000_000_000)
        #expect(try ExportTime.parse("1700000000.25") == 1_700_000_000_250)
        #expect(try ExportTime.parse("2023-11-14T22:13:20Z") == 1_700_000_000_000)
        #expect(try ExportTime.parse("2023-11-14T23:13:20.5+01:00") == 1_700_000_000_500)
        #expect(try ExportTime.parse("now", now: 5000) == 5000)
        #expect(try ExportTime.parse("-1m", now: 100_000) == 40_000)
        #expect(try ExportTime.parse("now-1s", now: 100_000) == 99_000)
        #expect(throws: ExportError.self) { try ExportTime.parse("yesterday") }
        #expect(throws: ExportError.self) { try ExportTime.parse("2023-13-14T22:13:20Z") }
    }

    @Test func rejectsSelectorsThatSelectEverything() throws {
        #expect(throws: ExportError.self) { try ExportRequest.parseSelectors([]) }
        #expect(throws: ExportError.self) { try ExportRequest.parseSelectors(["{job=~\".*\"}"]) }
        #expect(throws: ExportError.self) { try ExportRequest.parseSelectors(["up{"]) }
        #expect(try ExportRequest.parseSelectors(["up", "{job=\"a\"}"]).count == 2)
    }

    @Test func csvQuotesAndRoundTripsValues() async throws {
        let labels = Labels(("__name__", "m"), ("path", "a,\"b\"\nc"))
        let samples = [Sample(t: 1_700_000_000_000, v: 1), Sample(t: 1_700_000_000_001, v: 0.1), Sample(t: 1_700_000_000_002, v: .nan),
                       Sample(t: 1_700_000_000_003, v: .infinity), Sample(t: 1_700_000_000_004, v: -.infinity),
                       Sample(t: 1_700_000_000_005, v: StaleNaN.value), Sample(t: 1_700_000_000_006, v: 1e300),
                       Sample(t: 1_700_000_000_007, v: -2.5e-7), Sample(t: 1_700_000_000_008, v: 123456789012)]
        let q = FixedQuerier(series: [Series(labels: labels, samples: samples)])
        let out = try await export(ExportRequest(selectors: [[try Matcher(.equal, "__name__", "m")]], start: 0, end: .max, format: .csv(columns: nil, header: true)), q)
        let lines = out.components(separatedBy: "\n")
        #expect(lines[0] == "__name__,path,timestamp,value")
        #expect(lines[1] == "m,\"a,\"\"b\"\"\nc\",2023-11-14T22:13:20.000Z,1".components(separatedBy: "\n")[0])
        #expect(out.contains("\"a,\"\"b\"\"\nc\",2023-11-14T22:13:20.001Z,0.1\n"))
        let values = out.split(separator: "\n").filter { $0.contains("2023-") }.map { $0.split(separator: ",").last! }
        #expect(values == ["1", "0.1", "NaN", "+Inf", "-Inf", "1e+300", "-2.5e-07", "123456789012"])
        for v in values where v != "NaN" { #expect(Double(String(v).replacingOccurrences(of: "+Inf", with: "inf")) != nil) }

        let stale = try await export(ExportRequest(selectors: [[try Matcher(.equal, "__name__", "m")]], start: 0, end: .max,
                                                   format: .csv(columns: [.value, .timestamp(.unixSeconds), .timestamp(.unixMillis)], header: false),
                                                   includeStale: true), q)
        let rows = stale.split(separator: "\n")
        #expect(rows.count == 9)
        #expect(rows[0] == "1,1700000000,1700000000000")
        #expect(rows[5] == "NaN,1700000000.005,1700000000005")
    }

    @Test func everyValueRoundTripsBitExact() async throws {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, 1, -1, 0.1, 1e-4, 9.999e-5, 123.456, 1e15, 1e15 + 0.5, 9_007_199_254_740_994, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 12345.670000000002]
        for _ in 0..<20_000 {
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: values.append(Double(bitPattern: UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1))
            case 1: values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 100)
            default: values.append(Double.random(in: -1e6...1e6, using: &rng))
            }
        }
        let series = Series(labels: Labels(("__name__", "v")), samples: values.enumerated().map { Sample(t: Timestamp($0.offset), v: $0.element) })
        let out = try await export(ExportRequest(selectors: [[try Matcher(.equal, "__name__", "v")]], start: 0, end: .max, format: .csv(columns: [.value], header: false)), FixedQuerier(series: [series]))
        let parsed = out.split(separator: "\n").map { Double(String($0)) }
        #expect(parsed.count == values.count)
        for (p, v) in zip(parsed, values) where p?.bitPattern != v.bitPattern {
            Issue.record("\(v) printed as \(String(describing: p))")
            break
        }
    }

    @Test func jsonLinesMatchVictoriaMetrics() async throws {
        let q = FixedQuerier(series: [Series(labels: Labels(("__name__", "up"), ("job", "a\"b")), samples: [Sample(t: 1000, v: 1), Sample(t: 2000, v: .nan), Sample(t: 3000, v: StaleNaN.value)])])
        let out = try await export(ExportRequest(selectors: [[try Matcher(.equal, "__name__", "up")]], start: 0, end: .max, format: .jsonLines), q)
        #expect(out == #"{"metric":{"__name__":"up","job":"a\"b"},"values":[1,"NaN"],"timestamps":[1000,2000]}"# + "\n")
    }

    func export(_ r: ExportRequest, _ q: any Querier) async throws -> String {
        var bytes: [UInt8] = []
        var buffer = ExportBuffer(flushSize: 7) { bytes += $0 }
        _ = try await SeriesExporter.run(r, querier: q, into: &buffer)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A querier over fixed series (matchers applied, no time filter).
struct FixedQuerier: Querier {
    let series: [Series]
    func select(matchers: [Matcher]) async throws -> SeriesSet {
        SeriesSet(series: series.filter { matchers.matches($0.labels) }.sorted { $0.labels < $1.labels })
    }
    func labelNames(matchers: [Matcher]) async throws -> [String] {
        Array(Set(series.filter { matchers.matches($0.labels) }.flatMap { $0.labels.map(\.name) })).sorted()
    }
    func labelValues(name: String, matchers: [Matcher]) async throws -> [String] { [] }
    func close() async {}
}
