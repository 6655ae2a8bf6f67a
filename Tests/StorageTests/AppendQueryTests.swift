import Testing
import Model
@testable import Storage

@Suite struct AppendQueryTests {
    let up = Labels(("__name__", "up"), ("job", "a"))

    @Test func appendCommitQuery() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        try await write(s, up, [(1000, 1), (2000, 0), (3000, StaleNaN.value)])
        let got = try await readAll(s, [m("__name__", .equal, "up")])
        #expect(got.count == 1)
        #expect(got[up] == [Sample(t: 1000, v: 1), Sample(t: 2000, v: 0), Sample(t: 3000, v: StaleNaN.value)])
        #expect(got[up]?[2].v.isStaleMarker == true)
        let ranged = try await readAll(s, [m("job", .equal, "a")], mint: 1500, maxt: 2500)
        #expect(ranged[up] == [Sample(t: 2000, v: 0)])
        try await s.close()
    }

    @Test func manyChunksAcrossCutsAndFlushes() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        var expected: [Sample] = []
        for batch in 0..<10 {
            var app = s.appender()
            var ref: SeriesRef?
            for i in 0..<50 {
                let t = Int64(batch * 50 + i) * 15_000
                let v = Double(batch * 50 + i)
                ref = try app.append(ref, up, at: t, value: v)
                expected.append(Sample(t: t, v: v))
            }
            try await app.commit()
            if batch == 4 { try await s.flushHead() }
        }
        #expect(try await readAll(s, [m("job", .equal, "a")])[up] == expected)
        let mid = try await readAll(s, [m("job", .equal, "a")], mint: 100 * 15_000, maxt: 300 * 15_000)
        #expect(mid[up] == Array(expected[100...300]))
        try await s.close()
    }

    @Test func rollbackLeavesNoTrace() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        var app = s.appender()
        _ = try app.append(nil, Labels(("__name__", "ghost")), at: 1, value: 1)
        await app.rollback()
        #expect(try await readAll(s, []).isEmpty)
        let q = try await s.querier(mint: .min, maxt: .max)
        #expect(try await q.labelNames(matchers: []).isEmpty)
        await q.close()
        try await s.close()
        let again = try await openStore(dir)
        #expect(try await readAll(again, []).isEmpty)
        try await again.close()
    }

    @Test func outOfOrderAndDuplicatesAreRejectedAndCounted() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        try await write(s, up, [(1000, 1), (2000, 2)])
        var app = s.appender()
        #expect(throws: AppendError.outOfOrder) { _ = try app.append(nil, up, at: 1500, value: 1) }
        #expect(throws: AppendError.duplicateSampleForTimestamp) { _ = try app.append(nil, up, at: 2000, value: 9) }
        _ = try app.append(nil, up, at: 2000, value: 2)  // same t, same value: a silent no-op
        _ = try app.append(nil, up, at: 3000, value: 3)
        #expect(throws: AppendError.outOfOrder) { _ = try app.append(nil, up, at: 2500, value: 1) }  // against the batch
        #expect(throws: AppendError.duplicateSampleForTimestamp) { _ = try app.append(nil, up, at: 3000, value: 4) }
        try await app.commit()
        #expect(try await readAll(s, [])[up] == [Sample(t: 1000, v: 1), Sample(t: 2000, v: 2), Sample(t: 3000, v: 3)])
        let metrics = Dictionary(uniqueKeysWithValues: s.collectMetrics().map { ($0.name, $0.value) })
        #expect(metrics["lantern_tsdb_out_of_order_samples_total"] == 2)
        #expect(metrics["lantern_tsdb_duplicate_samples_total"] == 2)
        #expect(metrics["lantern_tsdb_head_samples_appended_total"] == 3)
        #expect(metrics["lantern_tsdb_head_series"] == 1)
        try await s.close()
    }

    @Test func batchChecksHoldAcrossManySeries() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        var app = s.appender()
        var refs: [SeriesRef] = []
        for i in 0..<2_000 {
            refs.append(try app.append(nil, Labels(("__name__", "m"), ("i", String(i))), at: 1000, value: Double(i)))
        }
        for (i, ref) in refs.enumerated() {
            _ = try app.append(ref, Labels(("__name__", "m"), ("i", String(i))), at: 2000, value: Double(i))
            #expect(throws: AppendError.outOfOrder) { _ = try app.append(ref, Labels(("__name__", "m"), ("i", String(i))), at: 1500, value: 0) }
        }
        try await app.commit()
        #expect(try await readAll(s, []).count == 2_000)
        try await s.close()
    }

    @Test func seriesLabelsCountOnlySeriesWithDataInRange() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        let old = Labels(("__name__", "m"), ("i", "old")), recent = Labels(("__name__", "m"), ("i", "recent"))
        try await write(s, old, [(1000, 1), (2000, 2)])
        try await s.flushHead()  // `old` now lives only in the chunks table
        try await write(s, recent, [(50_000, 1), (60_000, 2)])
        func labels(_ mint: Int64, _ maxt: Int64) async throws -> [Labels] {
            let q = try await s.querier(mint: mint, maxt: maxt)
            defer { Task { await q.close() } }
            return try await q.seriesLabels(matchers: [Matcher(.equal, "__name__", "m")]).labels
        }
        #expect(try await labels(0, 1500) == [old])
        #expect(try await labels(2500, 40_000) == [])
        #expect(try await labels(0, 100_000) == [old, recent])
        #expect(try await labels(55_000, 55_000) == [recent])
        try await s.close()
    }

    @Test func labelLookupsSeeSeriesAddedAfterAnEarlierLookup() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        try await write(s, Labels(("__name__", "m"), ("i", "a")), [(1000, 1)])
        #expect(try await s.labelValues(name: "i", matchers: [], mint: .min, maxt: .max) == ["a"])
        #expect(try await s.labelNames(matchers: [], mint: .min, maxt: .max) == ["__name__", "i"])  // served from the published index
        try await write(s, Labels(("__name__", "m"), ("i", "b"), ("z", "1")), [(2000, 1)])
        #expect(try await s.labelValues(name: "i", matchers: [], mint: .min, maxt: .max) == ["a", "b"])
        #expect(try await s.labelNames(matchers: [], mint: .min, maxt: .max) == ["__name__", "i", "z"])
        try await s.close()
    }

    @Test func nanDuplicatesCompareByBits() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        try await write(s, up, [(1000, StaleNaN.value)])
        var app = s.appender()
        _ = try app.append(nil, up, at: 1000, value: StaleNaN.value)  // same bits: no-op
        #expect(throws: AppendError.duplicateSampleForTimestamp) { _ = try app.append(nil, up, at: 1000, value: .nan) }
        await app.rollback()
        try await s.close()
    }

    @Test func invalidLabelsAreRejected() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        var app = s.appender()
        #expect(throws: AppendError.emptyLabels) { _ = try app.append(nil, .empty, at: 1, value: 1) }
        let dup = Labels(sortedUnique: [Label(name: "a", value: "1"), Label(name: "a", value: "2")])
        #expect(throws: AppendError.invalidLabels) { _ = try app.append(nil, dup, at: 1, value: 1) }
        let emptyName = Labels(sortedUnique: [Label(name: "", value: "1")])
        #expect(throws: AppendError.invalidLabels) { _ = try app.append(nil, emptyName, at: 1, value: 1) }
        let unsorted = Labels(sortedUnique: [Label(name: "b", value: "1"), Label(name: "a", value: "2")])
        #expect(throws: AppendError.invalidLabels) { _ = try app.append(nil, unsorted, at: 1, value: 1) }
        await app.rollback()
        try await s.close()
    }

    @Test func refsAreHintsNotKeys() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        let other = Labels(("__name__", "other"))
        var app = s.appender()
        let r1 = try app.append(nil, up, at: 1, value: 1)
        let r2 = try app.append(nil, other, at: 1, value: 2)
        #expect(r1 != r2)
        #expect(try app.append(r1, up, at: 2, value: 1) == r1)
        // A ref given with the wrong labels is ignored: the labels decide.
        #expect(try app.append(r1, other, at: 2, value: 2) == r2)
        #expect(try app.append(SeriesRef(999_999), up, at: 3, value: 1) == r1)
        try await app.commit()
        let got = try await readAll(s, [])
        #expect(got[up]?.count == 3)
        #expect(got[other]?.count == 2)
        try await s.close()
    }

    @Test func closedStorageRejectsWork() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        var app = s.appender()
        _ = try app.append(nil, up, at: 1, value: 1)
        try await s.close()
        await #expect(throws: StorageError.self) { try await app.commit() }
        await #expect(throws: StorageError.self) { _ = try await s.querier(mint: 0, maxt: 1) }
    }

    /// A query that starts after the newest chunk a series has in the table reads nothing from
    /// the table (`storedMaxt`); one that starts earlier still gets the table's chunks, also
    /// after a reopen (when the newest stored time comes from the file).
    @Test func tableChunksAreReadExactlyWhenTheRangeReachesThem() async throws {
        let dir = TempDir()
        var s = try await openStore(dir) { $0.checkpointOnClose = false }
        let x = Labels(("__name__", "x"))
        let all = (0..<300).map { Sample(t: Int64($0) * 1000, v: Double($0)) }
        try await write(s, x, all.map { ($0.t, $0.v) })  // cuts at 120 and 240 samples
        try await write(s, Labels(("__name__", "x"), ("n", "new")), [(299_000, 1)])  // never in the table
        try await s.runMaintenance()
        for (mint, maxt) in [(Int64(100_000), Int64(130_000)), (0, 50_000), (200_000, 299_000), (250_000, 299_000), (.min, .max)] {
            let got = try await readAll(s, [m("n", .equal, "")], mint: mint, maxt: maxt)[x] ?? []
            #expect(got == all.filter { $0.t >= mint && $0.t <= maxt }, "[\(mint), \(maxt)]")
        }
        try await s.close()
        s = try await openStore(dir)
        for (mint, maxt) in [(Int64(0), Int64(50_000)), (230_000, 299_000)] {
            let got = try await readAll(s, [m("n", .equal, "")], mint: mint, maxt: maxt)[x] ?? []
            #expect(got == all.filter { $0.t >= mint && $0.t <= maxt }, "after reopen [\(mint), \(maxt)]")
        }
        try await s.close()
    }

    /// With `instantFrom`, a series whose head has a sample at or before that time comes from
    /// the head alone (its newest sample at or before it is there); otherwise the table is read
    /// as without hints. Either way the newest sample at or before every time from
    /// `instantFrom` on is the same as without hints.
    @Test func instantHintsSkipTheTableOnlyWhenTheHeadSuffices() async throws {
        let dir = TempDir()
        let s = try await openStore(dir) { $0.headKeepWindow = .zero }  // only the newest flushed chunk stays
        let x = Labels(("__name__", "x"))
        let all = (0..<300).map { Sample(t: Int64($0) * 1000, v: Double($0)) }
        try await write(s, x, all.map { ($0.t, $0.v) })
        // Chunks 0–119 and 120–239 go to the table; the head keeps the newest of them (from
        // 120 s) besides the open chunk.
        try await s.flushHead()
        let headStart: Int64 = 120_000
        let q = try await s.querier(mint: 0, maxt: 299_000)
        for first in [Int64(250_000), 240_000, headStart, headStart - 500, 50_000, 0] {
            let hinted = try await q.select(matchers: [], hints: SelectHints(instantFrom: first)).series.first?.allSamples() ?? []
            let newest = all.last { $0.t <= first }!
            #expect(hinted.contains(newest), "instantFrom \(first)")
            #expect(hinted.filter { $0.t >= first } == all.filter { $0.t >= first })
            // Only a head that starts at or before `first` may leave older samples out.
            if first < headStart { #expect(hinted == all, "instantFrom \(first) needs the table") }
        }
        let headOnly = try await q.select(matchers: [], hints: SelectHints(instantFrom: 250_000)).series.first?.allSamples() ?? []
        #expect(headOnly.first?.t == headStart, "\(headOnly.first.map { "\($0.t)" } ?? "none") \(headOnly.count)")
        await q.close()
        try await s.close()
    }

    /// Flushed chunks stay in memory while they end within `headKeepWindow` of the newest one
    /// (which always stays): a head-only read (instant hints) starts at the oldest kept chunk,
    /// and a full read is the same whatever the window.
    @Test(arguments: zip([Duration.seconds(900), .seconds(200), .zero], [Int64(0), 360_000, 480_000]))
    func flushedChunksStayInMemoryForTheKeepWindow(window: Duration, headStart: Int64) async throws {
        let dir = TempDir()
        let s = try await openStore(dir) { $0.headKeepWindow = window }
        let x = Labels(("__name__", "x"))
        let all = (0..<600).map { Sample(t: Int64($0) * 1000, v: Double($0)) }
        try await write(s, x, all.map { ($0.t, $0.v) })  // five full chunks of 120
        try await s.flushHead()
        let q = try await s.querier(mint: 0, maxt: 599_000)
        let headOnly = try await q.select(matchers: [], hints: SelectHints(instantFrom: 590_000)).series.first?.allSamples() ?? []
        #expect(headOnly.first?.t == headStart)
        #expect(try await q.select(matchers: []).series.first?.allSamples() == all)
        await q.close()
        try await s.close()
    }
}
