import Testing
import Model
import Synchronization
@testable import Storage

/// A storage that fails whatever it is told to and records commits and rollbacks.
final class FakeStorage: Storage, Sendable {
    struct Failure: Error {}
    let failAppend: Bool, failCommit: Bool, failQuery: Bool
    let commits = Atomic<Int>(0)
    let rollbacks = Atomic<Int>(0)
    let appended = Mutex<[Sample]>([])

    init(failAppend: Bool = false, failCommit: Bool = false, failQuery: Bool = false) {
        self.failAppend = failAppend
        self.failCommit = failCommit
        self.failQuery = failQuery
    }

    struct App: Appender {
        let owner: FakeStorage
        var buffer: [Sample] = []
        mutating func append(_ ref: SeriesRef?, _ labels: Labels, at t: Timestamp, value: Double) throws -> SeriesRef {
            if owner.failAppend { throw Failure() }
            buffer.append(Sample(t: t, v: value))
            return SeriesRef(1)
        }
        func commit() async throws {
            if owner.failCommit { throw Failure() }
            owner.commits.wrappingAdd(1, ordering: .relaxed)
            owner.appended.withLock { $0 += buffer }
        }
        func rollback() async { owner.rollbacks.wrappingAdd(1, ordering: .relaxed) }
    }

    struct Q: Querier {
        let owner: FakeStorage
        func select(matchers: [Matcher]) async throws -> SeriesSet {
            if owner.failQuery { throw Failure() }
            return SeriesSet(series: [Series(labels: Labels(("__name__", "up")), samples: owner.appended.withLock { $0 } + [Sample(t: 5, v: 5)])])
        }
        func labelNames(matchers: [Matcher]) async throws -> [String] {
            if owner.failQuery { throw Failure() }
            return ["from_fake"]
        }
        func labelValues(name: String, matchers: [Matcher]) async throws -> [String] { [] }
        func close() async {}
    }

    func appender() -> any Appender { App(owner: self) }
    func querier(mint: Timestamp, maxt: Timestamp) async throws -> any Querier { Q(owner: self) }
    func close() async throws {}
}

@Suite struct FanoutTests {
    let up = Labels(("__name__", "up"))

    @Test func failingSecondaryNeverCostsPrimaryData() async throws {
        let dir = TempDir()
        let primary = try await openStore(dir)
        let bad = FakeStorage(failAppend: true, failCommit: true, failQuery: true)
        let good = FakeStorage()
        let f = FanoutStorage(primary: primary, secondaries: [bad, good], logger: quietLogger)
        try await write(f, up, [(1, 1), (2, 2)])
        #expect(try await readAll(primary, [])[up] == [Sample(t: 1, v: 1), Sample(t: 2, v: 2)])
        #expect(good.commits.load(ordering: .relaxed) == 1)
        #expect(f.collectMetrics()[0].value >= 1)

        let q = try await f.querier(mint: .min, maxt: .max)
        let set = try await q.select(matchers: [])
        #expect(set.warnings.count == 1)  // the failing secondary
        // Primary and the good secondary merged: t=5 comes from the secondary, 1 and 2 once each.
        #expect(set.series.map { $0.allSamples() } == [[Sample(t: 1, v: 1), Sample(t: 2, v: 2), Sample(t: 5, v: 5)]])
        #expect(try await q.labelNames(matchers: []) == ["__name__", "from_fake"])
        await q.close()
        try await f.close()
    }

    @Test func failingPrimaryFailsTheCommitAndRollsBackSecondaries() async throws {
        let primary = FakeStorage(failCommit: true)
        let secondary = FakeStorage()
        let f = FanoutStorage(primary: primary, secondaries: [secondary], logger: quietLogger)
        var app = f.appender()
        _ = try app.append(nil, up, at: 1, value: 1)
        await #expect(throws: FakeStorage.Failure.self) { try await app.commit() }
        #expect(secondary.commits.load(ordering: .relaxed) == 0)
        #expect(secondary.rollbacks.load(ordering: .relaxed) == 1)
    }

    @Test func primaryAppendErrorsReachTheCaller() async throws {
        let dir = TempDir()
        let primary = try await openStore(dir)
        let f = FanoutStorage(primary: primary, secondaries: [FakeStorage()], logger: quietLogger)
        try await write(f, up, [(10, 1)])
        var app = f.appender()
        #expect(throws: AppendError.outOfOrder) { _ = try app.append(nil, up, at: 5, value: 1) }
        await app.rollback()
        try await f.close()
    }

    /// The scrape path's by-ref append: taken by the SQLite appender for refs it issued, refused
    /// (nothing buffered) for unknown refs, and refused by a fan-out whose secondary needs the
    /// samples (a secondary never sees the primary's refs).
    @Test func appendByRefIsAllOrNothing() async throws {
        let dir = TempDir()
        let primary = try await openStore(dir)
        var app = primary.appender()
        let ref = try app.append(nil, up, at: 1, value: 1)
        #expect(try app.append(known: ref, at: 2, value: 2))
        #expect(try !app.append(known: SeriesRef(999_999), at: 3, value: 3))
        // Checked like any sample, and the error names the series.
        let error = #expect(throws: AppendError.outOfOrder) { _ = try app.append(known: ref, at: 1, value: 5) }
        #expect(error?.labels == up)
        try await app.commit()
        #expect(try await readAll(primary, [])[up] == [Sample(t: 1, v: 1), Sample(t: 2, v: 2)])

        let labelsNeeded = FakeStorage()
        var mixed = FanoutStorage(primary: primary, secondaries: [labelsNeeded], logger: quietLogger).appender()
        #expect(try !mixed.append(known: ref, at: 3, value: 3))
        _ = try mixed.append(ref, up, at: 3, value: 3)
        try await mixed.commit()
        #expect(labelsNeeded.appended.withLock { $0 } == [Sample(t: 3, v: 3)])

        // A storage as secondary has refs of its own: it must get labels, never the primary's ref.
        let otherDir = TempDir()
        let other = try await openStore(otherDir)
        var twoStores = FanoutStorage(primary: primary, secondaries: [other], logger: quietLogger).appender()
        #expect(try !twoStores.append(known: ref, at: 4, value: 4))
        await twoStores.rollback()
        try await other.close()

        let remote = RemoteWriteGroup(source: primary, logger: quietLogger)
        var byRef = FanoutStorage(primary: primary, secondaries: [remote], logger: quietLogger).appender()
        #expect(try byRef.append(known: ref, at: 5, value: 5))
        try await byRef.commit()
        #expect(try await readAll(primary, [])[up]?.last == Sample(t: 5, v: 5))
        try await remote.close()
        try await primary.close()
    }
}
