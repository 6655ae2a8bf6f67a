import Foundation
import Model
import Testing
@testable import Query

/// The range evaluator reuses per-query state across steps (matrix-selector windows that only move
/// forward, grouping keys and output series cached per input series). Each instant query starts
/// from scratch, so a range query must give, at every step, bit for bit what the instant query gives.
@Suite struct RangeEvaluationTests {
    /// Counters with resets, gaps, stale markers and a series that starts late, in 3 jobs.
    static func source() -> MemorySeriesSource {
        let s = MemorySeriesSource()
        for i in 0..<12 {
            let labels = Labels([Label(name: "__name__", value: i % 4 == 3 ? "y_total" : "x"), Label(name: "i", value: String(i)),
                                 Label(name: "job", value: "j\(i % 3)")])
            var v = Double(i)
            for k in 0...80 {
                let t = Int64(k) * 15_000 + Int64(i * 37)
                if i == 5 && k < 30 { continue }                  // starts late
                if i == 7 && (40..<48).contains(k) { continue }    // gap
                if i == 2 && k == 50 { s.append(labels, t, StaleNaN.value); continue }
                if i % 5 == 1 && k % 23 == 0 { v = Double(k % 7) } // counter reset
                v += Double((k * (i + 3)) % 11) + 0.25 * Double(i)
                s.append(labels, t, v)
            }
        }
        return s
    }

    static let queries = [
        "sum by (job) (rate(x[5m]))",
        "rate(x[1m])",
        "increase({__name__=~\"x|y_total\"}[2m])",
        "sum without (i) (irate(x[1m]))",
        "avg by (job) (x)",
        "count by (job) (delta(x[3m]))",
        "stddev by (job) (deriv(x[2m]))",
        "quantile by (job) (0.3, max_over_time(x[2m]))",
        "max_over_time(rate(x[1m])[3m:30s])",
        "sum by (job) (rate(x[1m])) / on (job) count by (job) (x)",
        "sum(x) + sum(rate(x[1m] offset 1m))",
        "sum by (job) (rate(x[2m] @ 600))",
        "topk(2, rate(x[1m]))",
        "sum by (__name__) ({__name__=~\"x|y_total\"})",
        "sum by (job) (last_over_time({__name__=~\"x|y_total\"}[1m]))",
        "sum by (job) (changes(x[2m])) + sum by (job) (resets(x[2m]))",
        "sum(sum by (job, i) (rate(x[1m])))",
        "count_over_time(x[1m]) or rate(x[1m])",
        "abs(x) * on (i) group_left rate(x[1m])",
        "quantile(scalar(count(x)) / 20, rate(x[1m]))",
        "sum(quantile by (job) (0.5, rate(x[1m]))) - sum(count by (job) (x))",
        "avg by (job) (quantile_over_time(0.9, x[2m]))",
        "sum by (job) (predict_linear(x[2m], 60))",
        "max_over_time(sum by (job) (rate(x[1m]))[3m:30s])",
        "avg(increase(x[2m] offset 30s))",
        "min by (job) (idelta(x[1m]))",
        "count without (i) (count_over_time(x[1m]))",
        "stddev(changes(x[3m]))",
        "group by (job) (last_over_time({__name__=~\"x|y_total\"}[1m]))",
        "max by (__name__) (first_over_time({__name__=~\"x|y_total\"}[1m]))",
        // Series by series across steps (StepValueSource): plain selectors and range functions.
        "x",
        "{__name__=~\"x|y_total\"} offset 1m",
        "x @ 600",
        "max_over_time(x[1m])",
        "last_over_time({__name__=~\"x|y_total\"}[1m])",
        "sum_over_time(x[1m] offset 30s)",
        "present_over_time(x[2m])",
        "increase(y_total[2m])",
        "count by (__name__) ({__name__=~\"x|y_total\"})",
        "max by (job) (x offset 45s)",
        "max_over_time(x[3m:30s])",
    ]

    @Test(arguments: queries)
    func rangeEqualsInstantAtEveryStep(_ q: String) throws {
        let src = Self.source()
        let engine = Engine()
        let start: Timestamp = 60_000, end: Timestamp = 1_200_000, step: Int64 = 15_000
        guard case .matrix(let m) = try engine.rangeQuery(q, start: start, end: end, step: step, source: src).value else {
            Issue.record("expected a matrix"); return
        }
        var byTime: [Timestamp: [Labels: Double]] = [:]
        for s in m { for p in s.points { byTime[p.t, default: [:]][s.labels] = p.v } }
        var t = start
        while t <= end {
            let instant = try engine.instantQuery(q, at: t, source: src).value
            var expected: [Labels: Double] = [:]
            switch instant {
            case .vector(let v): for s in v { expected[s.labels] = s.value }
            case .scalar(let x): expected[.empty] = x
            default: Issue.record("unexpected instant result")
            }
            let got = byTime[t] ?? [:]
            #expect(Set(got.keys) == Set(expected.keys), "\(q) at \(t)")
            for (l, v) in expected {
                guard let g = got[l] else { continue }
                #expect(g.bitPattern == v.bitPattern || (g.isNaN && v.isNaN), "\(q) at \(t) \(l): range \(g), instant \(v)")
            }
            t += step
        }
    }

    @Test func annotationsMatchBaseline() throws {
        let src = Self.source()
        let r = try Engine().rangeQuery("sum(rate({__name__=~\"x|y_total\"}[1m]))", start: 0, end: 600_000, step: 15_000, source: src)
        #expect(r.infos.map(\.description) == [
            "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"x\" (1:10)",
        ])
    }
}
