import Testing
import Model
@testable import Storage

@Suite struct RetentionTests {
    let day: Int64 = 86_400_000

    @Test func timeRetentionDeletesWholeOldChunks() async throws {
        let dir = TempDir()
        let s = try await openStore(dir) { $0.retention = .seconds(3 * 86_400) }
        let old = Labels(("__name__", "old")), live = Labels(("__name__", "live"))
        try await write(s, old, (0..<240).map { (Int64($0) * 60_000, 1) })  // day 0, two chunks
        try await write(s, live, (0..<240).map { (Int64($0) * 60_000, 1) })
        try await write(s, live, (0..<240).map { (10 * day + Int64($0) * 60_000, 2) })
        try await s.flushHead()
        let deleted = try await s.runMaintenance()
        #expect(deleted == 4)
        let got = try await readAll(s, [])
        #expect(got[old] == nil)
        #expect(got[live]?.count == 240)
        #expect(got[live]?.allSatisfy { $0.t >= 10 * day } == true)
        #expect(s.collectMetrics().first { $0.name == "lantern_tsdb_retention_deleted_chunks_total" }?.value == 4)
        try await s.close()
    }

    /// Head chunks expire on the run whose cutoff passes them, also when they were appended
    /// after an earlier run (the head's lower bound on chunk ends lets runs skip the walk).
    @Test func timeRetentionDropsExpiredHeadChunksAcrossRuns() async throws {
        let dir = TempDir()
        let s = try await openStore(dir) { $0.retention = .seconds(3 * 86_400) }
        let a = Labels(("__name__", "a")), b = Labels(("__name__", "b")), live = Labels(("__name__", "live"))
        try await write(s, a, [(0, 1)])  // in the head only
        try await write(s, live, [(1 * day, 1)])
        _ = try await s.runMaintenance()  // cutoff -2 d: nothing expires
        #expect(try await readAll(s, [])[a]?.count == 1)
        try await write(s, b, [(4 * day, 1)])
        try await write(s, live, [(5 * day, 1)])
        _ = try await s.runMaintenance()  // cutoff 2 d: a expires, b stays
        var got = try await readAll(s, [])
        #expect(got[a] == nil)
        #expect(got[b]?.count == 1)
        try await write(s, live, [(8 * day, 1)])
        _ = try await s.runMaintenance()  // cutoff 5 d: b, appended after the last walk, expires
        got = try await readAll(s, [])
        #expect(got[b] == nil)
        #expect(got[live]?.last?.t == 8 * day)
        try await s.close()
    }

    /// Retention that expires kept (already flushed) head chunks keeps the count of kept ones
    /// right, so a chunk still waiting for its flush is written by the next commit and
    /// survives a reopen.
    @Test func expiringKeptChunksLeavesUnflushedOnesToFlush() async throws {
        let dir = TempDir()
        let hour: Int64 = 3_600_000
        let options: (inout StorageOptions) -> Void = { $0.retention = .seconds(3 * 86_400); $0.headKeepWindow = .seconds(10 * 86_400) }
        var s = try await openStore(dir, options)
        let x = Labels(("__name__", "x"))
        try await write(s, x, (0..<360).map { (Int64($0) * hour, 1) })  // three chunks cut
        try await write(s, x, [(360 * hour, 1)])  // flushes them; all three stay in memory
        try await write(s, x, (361..<480).map { (Int64($0) * hour, 2) })  // a fourth cut, not flushed yet
        _ = try await s.runMaintenance()  // cutoff 407 h: the three kept chunks expire
        try await write(s, x, [(480 * hour, 3)])  // flushes the fourth
        #expect(try await readAll(s, [])[x]?.map(\.t) == (360...480).map { Int64($0) * hour })
        try await s.close()
        s = try await openStore(dir, options)
        #expect(try await readAll(s, [])[x]?.map(\.t) == (360...480).map { Int64($0) * hour })
        try await s.close()
    }

    @Test func sizeRetentionDeletesOldestChunksFirst() async throws {
        let dir = TempDir()
        var s = try await openStore(dir) { $0.retention = nil }
        var rng = SystemRandomNumberGenerator()
        // Written as scrapes arrive, every series advancing together: retention deletes in
        // write order, which is then time order.
        for round in 0..<10 {
            for k in 0..<20 {
                let l = Labels(("__name__", "g"), ("k", "\(k)"))
                try await write(s, l, (round * 120..<(round + 1) * 120).map { (Int64($0) * 15_000, Double.random(in: 0...1, using: &rng)) })
            }
        }
        try await s.flushHead()
        let before = try await s.sizeInUse()
        try await s.close()
        s = try await openStore(dir) { $0.retention = nil; $0.maxBytes = before / 2 }
        _ = try await s.runMaintenance()  // open ran retention already; this may delete a little more
        let deleted = Int(s.collectMetrics().first { $0.name == "lantern_tsdb_retention_deleted_chunks_total" }!.value)
        // At least half of the 200 chunks go; more when page fragmentation keeps the file big.
        #expect(deleted >= 90 && deleted <= 180, "deleted \(deleted)")
        let got = try await readAll(s, [])
        #expect(got.count == 20)
        for samples in got.values {
            #expect(samples.last?.t == Int64(1199 * 15_000))  // newest data kept
            #expect(samples.first!.t >= Int64(4 * 120 * 15_000))  // oldest data gone, whole chunks
        }
        try await s.close()
    }
}
