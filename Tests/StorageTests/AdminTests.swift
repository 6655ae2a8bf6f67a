import Foundation
import Testing
import Model
@testable import Storage

/// The admin API's storage operations: delete_series and snapshot.
@Suite struct AdminTests {
    let a = Labels(("__name__", "a"), ("job", "x"))
    let b = Labels(("__name__", "b"), ("job", "x"))

    @Test func deleteSeriesRemovesTheRangeFromHeadAndChunksAndSurvivesReopen() async throws {
        let dir = TempDir()
        var s = try await openStore(dir)
        // 300 samples: two cut chunks on disk plus an open head chunk, for both series.
        let samples = (1...300).map { (Int64($0) * 1000, Double($0)) }
        try await write(s, a, samples)
        try await write(s, b, samples)
        // A range cutting through the first chunk, all of the second and into the head chunk.
        let touched = try await s.deleteSeries(matching: [[m("__name__", .equal, "a")]], mint: 100_000, maxt: 250_000)
        #expect(touched == 1)
        let want = samples.filter { $0.0 < 100_000 || $0.0 > 250_000 }.map { Sample(t: $0.0, v: $0.1) }
        #expect(try await readAll(s, [m("__name__", .equal, "a")])[a] == want)
        #expect(try await readAll(s, [m("__name__", .equal, "b")])[b]?.count == 300)
        // The series keeps taking samples after its last one.
        try await write(s, a, [(301_000, 301)])
        try await s.close()
        s = try await openStore(dir)
        #expect(try await readAll(s, [m("__name__", .equal, "a")])[a] == want + [Sample(t: 301_000, v: 301)])
        // Everything (no range) of every series matching either selector.
        try await s.deleteSeries(matching: [[m("__name__", .equal, "a")], [m("__name__", .equal, "b")]], mint: .min, maxt: .max)
        #expect(try await readAll(s, [m("job", .equal, "x")]).values.allSatisfy(\.isEmpty))
        try await s.close()
    }

    @Test func snapshotIsAConsistentCopyWithTheHead() async throws {
        let dir = TempDir()
        let s = try await openStore(dir)
        try await write(s, a, (1...200).map { (Int64($0) * 1000, Double($0)) })
        let copy = dir.path("snapshot.db")
        try await s.snapshot(to: copy, skipHead: false)
        try await write(s, a, [(201_000, 201)])
        try await s.close()
        let snapshotDir = TempDir()
        try FileManager.default.copyItem(atPath: copy, toPath: snapshotDir.path())
        let r = try await openStore(snapshotDir)
        #expect(try await readAll(r, [])[a]?.count == 200)
        try await r.close()
    }
}
