import Dispatch
import Model
import Storage
import Testing
@testable import Query

/// Small queries run where the request runs (the connection's event loop in the server); a
/// query the storage expects to be large, or one it cannot estimate, moves to the pool.
@Suite struct PlacementTests {
    /// A task executor on one serial queue, so a test can tell whether work ran there.
    final class MarkedExecutor: TaskExecutor, @unchecked Sendable {  // safe: the queue runs one job at a time
        static let key = DispatchSpecificKey<Bool>()
        let queue = DispatchQueue(label: "placement-test")
        init() { queue.setSpecific(key: Self.key, value: true) }
        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
        static var onIt: Bool { DispatchQueue.getSpecific(key: key) == true }
    }

    @Test func estimatesFromThePublishedHeadAndPlacesByCost() async throws {
        try await withTemporaryStorage { storage in
            var app = storage.appender()
            try appendCounters(to: &app)
            try await app.commit()
            let api = QueryAPI(runner: QueryRunner(storage: storage), queryable: storage, now: { 600_000 })
            // Nothing published yet: unknown, so the work would leave the loop.
            #expect(api.estimatedCost("x_total", start: 600_000, end: 600_000, step: 0, lookbackDelta: nil) == nil)
            _ = await api.query(APIParams([("query", "x_total"), ("time", "600")]))  // publishes the head copy
            #expect(api.estimatedCost("x_total", start: 600_000, end: 600_000, step: 0, lookbackDelta: nil) == 2)
            #expect(api.estimatedCost("rate(x_total[5m])", start: 0, end: 600_000, step: 15_000, lookbackDelta: nil) == 2 * (41 + 900))
            #expect(api.estimatedCost("max_over_time(x_total[5m:1m])", start: 0, end: 0, step: 0, lookbackDelta: nil) == nil, "subqueries are not estimated")
            #expect(api.estimatedCost("x_total{", start: 0, end: 0, step: 0, lookbackDelta: nil) == 0, "a parse error is answered at once")

            let executor = MarkedExecutor()
            await withTaskExecutorPreference(executor) {
                #expect(await api.placed(cost: 10) { MarkedExecutor.onIt }, "small: stays")
                #expect(await api.placed(cost: QueryAPI.eventLoopBudget + 1) { !MarkedExecutor.onIt }, "large: leaves")
                #expect(await api.placed(cost: nil) { !MarkedExecutor.onIt }, "unknown: leaves")
            }
        }
    }
}
