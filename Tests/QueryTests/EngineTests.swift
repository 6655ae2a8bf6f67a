import Foundation
import Model
import Testing
@testable import Query

/// Engine behaviour not covered by the script corpus: limits, errors and the public result shapes.
@Suite struct EngineTests {
    /// `n` series `x{i="…"}`, one sample every 15 s for `minutes`.
    static func source(series n: Int, minutes: Int, counter: Bool = true) -> MemorySeriesSource {
        let s = MemorySeriesSource()
        for i in 0..<n {
            let labels = Labels([Label(name: "__name__", value: "x"), Label(name: "i", value: String(i))])
            for k in 0...(minutes * 4) { s.append(labels, Int64(k) * 15_000, counter ? Double(k * (i + 1)) : Double(i)) }
        }
        return s
    }

    @Test func instantAndRangeResults() throws {
        let src = Self.source(series: 2, minutes: 10)
        let r = try Engine().instantQuery("sum(rate(x[1m]))", at: 300_000, source: src)
        guard case .vector(let v) = r.value else { Issue.record("expected a vector"); return }
        #expect(v.count == 1 && v[0].labels == .empty)
        #expect(abs(v[0].value - 12.0 / 60) < 1e-9)   // increments of 1 and 2 per 15 s
        let m = try Engine().rangeQuery("x", start: 0, end: 60_000, step: 30_000, source: src)
        guard case .matrix(let series) = m.value else { Issue.record("expected a matrix"); return }
        #expect(series.map(\.points.count) == [3, 3])
        #expect(series[0].labels < series[1].labels)
        guard case .scalar(let s) = try Engine().instantQuery("time()", at: 42_000, source: src).value else {
            Issue.record("expected a scalar"); return
        }
        #expect(s == 42)
    }

    @Test func lookbackAndStaleness() throws {
        let src = MemorySeriesSource()
        let l = Labels([Label(name: "__name__", value: "y")])
        src.append(l, 0, 1)
        src.append(l, 60_000, StaleNaN.value)
        var opts = EngineOptions()
        opts.lookbackDelta = 30_000
        let e = Engine(options: opts)
        guard case .vector(let a) = try e.instantQuery("y", at: 20_000, source: src).value,
              case .vector(let b) = try e.instantQuery("y", at: 40_000, source: src).value,
              case .vector(let c) = try Engine().instantQuery("y", at: 90_000, source: src).value else {
            Issue.record("expected vectors"); return
        }
        #expect(a.count == 1 && b.isEmpty && c.isEmpty)   // outside lookback, then ended by the marker
    }

    @Test(arguments: [
        ("x + on() x", "found duplicate series for the match group {} on the right hand-side of the operation"),
        ("label_replace(x, \"i\", \"same\", \"i\", \".*\")", "vector cannot contain metrics with the same labelset"),
        ("x[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"),
        ("count_values(\"\", x)", "invalid label name \"\""),
    ])
    func errors(_ c: (String, String)) {
        let src = Self.source(series: 2, minutes: 1)
        do {
            _ = try Engine().instantQuery(c.0, at: 60_000, source: src)
            Issue.record("\(c.0) should fail")
        } catch {
            #expect(error.message.hasPrefix(c.1))
        }
    }

    @Test func maxSamples() {
        var opts = EngineOptions()
        opts.maxSamples = 100
        let src = Self.source(series: 10, minutes: 10)
        #expect(throws: QueryError.self) { try Engine(options: opts).instantQuery("x[10m]", at: 600_000, source: src) }
        do {
            _ = try Engine(options: opts).rangeQuery("x", start: 0, end: 600_000, step: 15_000, source: src)
        } catch {
            #expect(error.kind == .tooManySamples)
            #expect(error.message == "query processing would load too many samples into memory in query execution")
        }
    }

    @Test func timeout() {
        var opts = EngineOptions()
        opts.timeout = .zero
        let src = Self.source(series: 50, minutes: 10)
        #expect(throws: QueryError.self) {
            try Engine(options: opts).rangeQuery("sum(rate(x[1m]))", start: 0, end: 600_000, step: 15_000, source: src)
        }
    }

    /// Not a pass/fail test: prints the time of `rate(x[5m])` over 1,000 series × 1 h at 15 s.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LANTERN_BENCH"] != nil))
    func benchmarkRate() throws {
        let src = Self.source(series: 1000, minutes: 60)
        let clock = ContinuousClock()
        let instant = try clock.measure { _ = try Engine().instantQuery("rate(x[5m])", at: 3_600_000, source: src) }
        let range = try clock.measure {
            _ = try Engine().rangeQuery("rate(x[5m])", start: 0, end: 3_600_000, step: 15_000, source: src)
        }
        print("bench rate(x[5m]) 1000 series x 1h@15s: instant \(instant), range (241 steps) \(range)")
    }
}
