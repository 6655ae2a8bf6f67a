import Foundation
import Model
import Storage
import Testing
@testable import Query

/// The engine over the SQLite storage through the prefetching adapter.
@Test func queriesSQLiteStorage() async throws {
    try await withTemporaryStorage { storage in
        var app = storage.appender()
        try appendCounters(to: &app)
        try await app.commit()
        let engine = Engine()
        let r = try await engine.instantQuery("sum(rate(x_total[1m]))", at: 600_000, queryable: storage)
        guard case .vector(let v) = r.value else { Issue.record("expected a vector"); return }
        #expect(v.count == 1 && abs(v[0].value - 0.2) < 1e-9)
        let m = try await engine.rangeQuery("x_total offset 1m", start: 300_000, end: 600_000, step: 60_000, queryable: storage)
        guard case .matrix(let series) = m.value else { Issue.record("expected a matrix"); return }
        #expect(series.count == 2 && series.allSatisfy { $0.points.count == 6 })
    }
}

/// The prefetch path (which reads only the newest sample for instant selectors at one time)
/// gives what the engine gives over the same samples in memory: chunks in the table and in the
/// head, staleness markers, offsets, `@`, selectors used twice at different times, subqueries.
@Test func prefetchMatchesInMemoryEvaluation() async throws {
    try await withTemporaryStorage { storage in
        let memory = MemorySeriesSource()
        func load(_ range: Range<Int>) async throws {
            var app = storage.appender()
            for i in 0..<4 {
                let labels = Labels([Label(name: "__name__", value: "x"), Label(name: "i", value: String(i))])
                var ref: SeriesRef?
                for k in range {
                    if i == 1, k > 700 { break }  // series 1 ends early
                    let v = (i == 2 && k == 500) ? StaleNaN.value : Double(k * (i + 1)) + 0.25 * Double(i)
                    ref = try app.append(ref, labels, at: Int64(k) * 1_000, value: v)
                    memory.append(labels, Int64(k) * 1_000, v)
                }
            }
            try await app.commit()
        }
        try await load(0..<600)
        try await storage.flushHead()  // the first 600 s go to the chunks table
        try await load(600..<1_000)
        let engine = Engine()
        let queries = ["x", "x offset 1m", "x @ 550", "sum(x)", "x and x offset 30s", "timestamp(x)", "x - x offset 5s",
                       "max_over_time(x[1m])", "x[30s]", "rate(x[1m])", "max_over_time(x[2m:10s])", "count(x)"]
        for q in queries {
            for t in [Int64(400_000), 500_000, 505_000, 650_000, 800_000, 999_000, 1_100_000] {
                let viaStorage = try await engine.instantQuery(q, at: t, queryable: storage)
                let inMemory = try engine.instantQuery(q, at: t, source: memory)
                #expect(describe(viaStorage.value) == describe(inMemory.value), "\(q) at \(t)")
            }
        }
        // Range queries: selectors on the step grid keep only the samples newest at some step.
        let grids: [(Int64, Int64, Int64)] = [(400_000, 999_000, 7_000), (300_000, 1_100_000, 60_000), (500_000, 505_000, 500), (695_000, 705_000, 1_000)]
        for q in queries where q != "x[30s]" {
            for (start, end, step) in grids {
                let viaStorage = try await engine.rangeQuery(q, start: start, end: end, step: step, queryable: storage)
                let inMemory = try engine.rangeQuery(q, start: start, end: end, step: step, source: memory)
                #expect(describe(viaStorage.value) == describe(inMemory.value), "\(q) from \(start) to \(end) step \(step)")
            }
        }
    }
}

private func describe(_ v: QueryValue) -> String {
    switch v {
    case .scalar(let x): return "scalar \(x)"
    case .string(let s): return "string \(s)"
    case .vector(let samples): return samples.map { "\($0.labels) \($0.value.bitPattern) \($0.t)" }.sorted().joined(separator: "\n")
    case .matrix(let m): return m.map { "\($0.labels) \($0.points.map { "\($0.t):\($0.v.bitPattern)" })" }.sorted().joined(separator: "\n")
    }
}
