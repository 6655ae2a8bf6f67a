import Testing
import Model
@testable import Storage

@Suite struct ConcurrencyTests {
    /// Each commit adds one sample to both series, so any consistent snapshot shows them
    /// with equal counts; a torn read would not.
    @Test func readersSeeConsistentSnapshotsWhileWriting() async throws {
        let dir = TempDir()
        let s = try await openStore(dir) { $0.walCheckpointBytes = 4_096; $0.checkpointSliceSeries = 1 }
        let x = Labels(("__name__", "x")), y = Labels(("__name__", "y"))
        let commits = 600
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var rx: SeriesRef?, ry: SeriesRef?
                for n in 0..<commits {
                    var app = s.appender()
                    rx = try app.append(rx, x, at: Int64(n), value: Double(n))
                    ry = try app.append(ry, y, at: Int64(n), value: Double(n))
                    try await app.commit()
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    var last = 0
                    while last < commits {
                        let q = try await s.querier(mint: .min, maxt: .max)
                        let set = try await q.select(matchers: [m("__name__", .regexMatch, "x|y")])
                        let counts = set.series.map { $0.allSamples().count }
                        await q.close()
                        if counts.isEmpty { continue }
                        #expect(counts.count == 2 && counts[0] == counts[1], "torn snapshot: \(counts)")
                        #expect(counts[0] >= last)
                        let xs = set.series[0].allSamples()
                        #expect(xs == (0..<xs.count).map { Sample(t: Int64($0), v: Double($0)) })
                        last = counts[0]
                    }
                }
            }
            try await group.waitForAll()
        }
        try await s.close()
    }

    @Test func querierIsFrozenAtCreation() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        let x = Labels(("__name__", "x"))
        try await write(s, x, (0..<100).map { (Int64($0), 1) })
        let q = try await s.querier(mint: .min, maxt: .max)
        // Enough to cut chunks and flush them to the table after the snapshot was taken.
        try await write(s, x, (100..<400).map { (Int64($0), 2) })
        try await write(s, Labels(("__name__", "new")), [(1, 1)])
        try await s.flushHead()
        let set = try await q.select(matchers: [])
        #expect(set.series.count == 1)
        #expect(set.series.first?.allSamples().count == 100)
        #expect(try await q.labelValues(name: "__name__", matchers: []) == ["x"])
        await q.close()
        #expect(try await readAll(s, [])[x]?.count == 400)
        try await s.close()
    }

    /// The querier begins its read transaction only when a series first needs the table, after
    /// the head was copied. Chunks already in the table come back, chunks moved out of the head
    /// afterwards do not come back twice, and a head-only range needs no connection at all.
    @Test func lateReadTransactionAgreesWithTheHeadCopy() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        let x = Labels(("__name__", "x"))
        let first = (0..<300).map { (Int64($0) * 1000, Double($0)) }
        try await write(s, x, first)
        try await s.flushHead()  // chunks below the head's start are in the table now
        let q = try await s.querier(mint: .min, maxt: .max)
        let recent = try await s.querier(mint: 299_000, maxt: .max)
        try await write(s, x, (300..<700).map { (Int64($0) * 1000, 7) })
        try await s.flushHead()  // cuts and stores what the copies still hold in memory
        let all = try await q.select(matchers: [])
        #expect(all.series.first?.allSamples() == first.map { Sample(t: $0.0, v: $0.1) })
        #expect(try await q.seriesLabels(matchers: []).labels == [x])
        let tail = try await recent.select(matchers: [])
        #expect(tail.series.first?.allSamples() == [Sample(t: 299_000, v: 299)])
        await q.close()
        await recent.close()
        #expect(try await readAll(s, [])[x]?.count == 700)
        try await s.close()
    }

    /// Queriers between two commits share one copy of the head, taken without the writer's
    /// queue; any change to the head (a commit, a deletion) makes the next querier see it, and
    /// none is handed out after close.
    @Test func publishedHeadIsReusedOnlyUntilTheHeadChanges() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        let x = Labels(("__name__", "x"))
        try await write(s, x, [(1000, 1)])
        for n in 2...5 {
            let before = try await readAll(s, [])[x]?.count
            let again = try await readAll(s, [])[x]?.count  // served from the published copy
            #expect(before == n - 1 && again == n - 1)
            try await write(s, x, [(Int64(n) * 1000, Double(n))])
            #expect(try await readAll(s, [])[x]?.count == n, "a commit is visible to the next querier")
        }
        #expect(try await s.deleteSeries(matching: [[m("__name__", .equal, "x")]], mint: .min, maxt: .max) > 0)
        #expect(try await readAll(s, []).isEmpty, "a deletion is visible to the next querier")
        try await s.close()
        await #expect(throws: StorageError.self) { _ = try await s.querier(mint: .min, maxt: .max) }
    }

    @Test func readOnlyOpenWhileAnotherConnectionWrites() async throws {
        let dir = TempDir()
        let w = try await openStore(dir)
        let x = Labels(("__name__", "x"), ("i", "1"))
        try await write(w, x, (0..<150).map { (Int64($0) * 1000, Double($0)) })
        try await w.flushHead()
        try await write(w, x, (150..<200).map { (Int64($0) * 1000, Double($0)) })  // only in write-ahead records
        let r = try await SQLiteStorage.openReadOnly(path: dir.path(), logger: quietLogger)
        #expect(r.isReadOnly)
        try await write(w, x, (200..<500).map { (Int64($0) * 1000, Double($0)) })  // the writer carries on
        let got = try await readAll(r, [m("i", .equal, "1")])
        #expect(got[x] == (0..<200).map { Sample(t: Int64($0) * 1000, v: Double($0)) } || got[x]?.count ?? 0 >= 200)
        #expect(Array(got[x]!.prefix(200)) == (0..<200).map { Sample(t: Int64($0) * 1000, v: Double($0)) })
        var app = r.appender()
        #expect(throws: AppendError.closed) { _ = try app.append(nil, x, at: 999_999, value: 1) }
        try await r.close()
        try await w.close()
    }
}
