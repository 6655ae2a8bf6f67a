import Dispatch
import Synchronization
public import Model
public import Storage

/// Runs PromQL against a storage: plans which series the query reads, reads them through
/// one querier (a consistent snapshot), then evaluates on a dispatch queue so long queries
/// never occupy Swift's cooperative threads. Caps concurrent queries like
/// `--query.max-concurrency`.
public struct QueryRunner: Sendable {
    public let engine: Engine
    let storage: any Queryable
    let slots: QuerySlots
    /// Concurrency and limit counters, for `/metrics`.
    public let metrics: QueryMetrics

    public init(storage: any Queryable, options: EngineOptions = EngineOptions(), maxConcurrency: Int = 20) {
        self.storage = storage
        self.engine = Engine(options: options)
        self.slots = QuerySlots(limit: max(1, maxConcurrency))
        self.metrics = QueryMetrics(maxConcurrent: max(1, maxConcurrency))
    }

    /// Evaluates `query` at `t`.
    public func instant(_ query: String, at t: Timestamp, timeout: Duration? = nil) async throws(QueryError) -> QueryResult {
        try await run(query, start: t, end: t, step: 0, timeout: timeout) { (engine: Engine, source: PrefetchedSeriesSource) throws(QueryError) -> QueryResult in
            try engine.instantQuery(query, at: t, source: source)
        }
    }

    /// Evaluates `query` at every step in `start...end`.
    public func range(_ query: String, start: Timestamp, end: Timestamp, step: Int64, timeout: Duration? = nil) async throws(QueryError) -> QueryResult {
        try await run(query, start: start, end: end, step: step, timeout: timeout) { (engine: Engine, source: PrefetchedSeriesSource) throws(QueryError) -> QueryResult in
            try engine.rangeQuery(query, start: start, end: end, step: step, source: source)
        }
    }

    private func run(
        _ query: String, start: Timestamp, end: Timestamp, step: Int64, timeout: Duration?,
        evaluate: @escaping @Sendable (Engine, PrefetchedSeriesSource) throws(QueryError) -> QueryResult
    ) async throws(QueryError) -> QueryResult {
        let expr: Expr
        do { expr = try parseExpr(query) } catch { throw QueryError(.parse, error.description) }
        metrics.waiting.wrappingAdd(1, ordering: .relaxed)
        await slots.acquire()
        metrics.waiting.wrappingSubtract(1, ordering: .relaxed)
        metrics.inFlight.wrappingAdd(1, ordering: .relaxed)
        defer {
            metrics.inFlight.wrappingSubtract(1, ordering: .relaxed)
            Task { await slots.release() }
        }
        do throws(QueryError) {
            let result = try await prefetchAndEvaluate(expr, start: start, end: end, step: step, timeout: timeout, evaluate)
            metrics.record(nil)
            return result
        } catch {
            metrics.record(error)
            throw error
        }
    }

    private func prefetchAndEvaluate(
        _ expr: Expr, start: Timestamp, end: Timestamp, step: Int64, timeout: Duration?,
        _ evaluate: @escaping @Sendable (Engine, PrefetchedSeriesSource) throws(QueryError) -> QueryResult
    ) async throws(QueryError) -> QueryResult {
        var engine = self.engine
        if let timeout { engine.options.timeout = min(timeout, engine.options.timeout) }
        let plan = SelectionPlan(expr, start: start, end: end, step: step, lookbackDelta: engine.options.lookbackDelta)
        let source: PrefetchedSeriesSource
        do {
            source = try await plan.prefetch(from: storage)
        } catch {
            throw QueryError(.storage, "\(error)")
        }
        let finalEngine = engine
        let result: Result<QueryResult, QueryError> = await withCheckedContinuation { cont in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(QueryError) {
                    cont.resume(returning: .success(try evaluate(finalEngine, source)))
                } catch {
                    cont.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// A counting semaphore for queries; waiters queue in order.
actor QuerySlots {
    private let limit: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func acquire() async {
        if inUse < limit { inUse += 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { inUse -= 1 } else { waiters.removeFirst().resume() }
    }
}
