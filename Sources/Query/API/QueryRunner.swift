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
    /// - Parameter lookbackDelta: the request's `lookback_delta` (ms), overriding the flag.
    public func instant(_ query: String, at t: Timestamp, timeout: Duration? = nil, lookbackDelta: Int64? = nil) async throws(QueryError) -> QueryResult {
        try await run(query, start: t, end: t, step: 0, timeout: timeout, lookbackDelta: lookbackDelta) { (engine: Engine, source: PrefetchedSeriesSource) throws(QueryError) -> QueryResult in
            try engine.instantQuery(query, at: t, source: source)
        }
    }

    /// Evaluates `query` at every step in `start...end`.
    public func range(_ query: String, start: Timestamp, end: Timestamp, step: Int64, timeout: Duration? = nil, lookbackDelta: Int64? = nil) async throws(QueryError) -> QueryResult {
        try await run(query, start: start, end: end, step: step, timeout: timeout, lookbackDelta: lookbackDelta) { (engine: Engine, source: PrefetchedSeriesSource) throws(QueryError) -> QueryResult in
            try engine.rangeQuery(query, start: start, end: end, step: step, source: source)
        }
    }

    private func run(
        _ query: String, start: Timestamp, end: Timestamp, step: Int64, timeout: Duration?, lookbackDelta: Int64?,
        evaluate: @escaping @Sendable (Engine, PrefetchedSeriesSource) throws(QueryError) -> QueryResult
    ) async throws(QueryError) -> QueryResult {
        let expr: Expr
        do { expr = try parseExpr(query) } catch { throw QueryError(.parse, error.description) }
        let clock = ContinuousClock()
        let begin = clock.now
        metrics.waiting.wrappingAdd(1, ordering: .relaxed)
        await slots.acquire()
        metrics.waiting.wrappingSubtract(1, ordering: .relaxed)
        metrics.inFlight.wrappingAdd(1, ordering: .relaxed)
        defer {
            metrics.inFlight.wrappingSubtract(1, ordering: .relaxed)
            slots.release()
        }
        let dequeued = clock.now
        do throws(QueryError) {
            var result = try await prefetchAndEvaluate(expr, start: start, end: end, step: step, timeout: timeout, lookbackDelta: lookbackDelta, evaluate)
            result.stats.execQueueTime = (dequeued - begin).seconds
            result.stats.execTotalTime = (clock.now - begin).seconds
            metrics.record(nil)
            return result
        } catch {
            metrics.record(error)
            throw error
        }
    }

    private func prefetchAndEvaluate(
        _ expr: Expr, start: Timestamp, end: Timestamp, step: Int64, timeout: Duration?, lookbackDelta: Int64?,
        _ evaluate: @escaping @Sendable (Engine, PrefetchedSeriesSource) throws(QueryError) -> QueryResult
    ) async throws(QueryError) -> QueryResult {
        let clock = ContinuousClock()
        let dequeued = clock.now
        var engine = self.engine
        if let timeout { engine.options.timeout = min(timeout, engine.options.timeout) }
        if let lookbackDelta, lookbackDelta > 0 { engine.options.lookbackDelta = lookbackDelta }
        let plan = SelectionPlan(expr, start: start, end: end, step: step, lookbackDelta: engine.options.lookbackDelta)
        let source: PrefetchedSeriesSource
        do {
            source = try await plan.prefetch(from: storage)
        } catch {
            throw QueryError(.storage, "\(error)")
        }
        let prepared = clock.now
        // The timeout covers the whole query, as Prometheus's context does: reading the
        // series counts against it, and evaluation gets what is left.
        let spent = prepared - dequeued
        guard spent < engine.options.timeout else { throw QueryError(.timeout, "query timed out in query execution") }
        engine.options.timeout -= spent
        let finalEngine = engine
        // A small query (the usual dashboard panel over a few series) is evaluated right here:
        // well under a millisecond of work, less than the two thread hops to the evaluation queue.
        let steps = step > 0 ? Int((end - start) / step) + 1 : 1
        if !expr.containsSubquery, source.sampleCount + source.seriesCount * steps < Self.inlineEvaluationBudget {
            var answer = try evaluate(finalEngine, source)
            answer.storageWarnings = source.storageWarnings
            answer.stats.queryPreparationTime = (prepared - dequeued).seconds
            answer.stats.innerEvalTime = (clock.now - prepared).seconds
            return answer
        }
        let result: Result<QueryResult, QueryError> = await withCheckedContinuation { cont in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(QueryError) {
                    var result = try evaluate(finalEngine, source)
                    result.storageWarnings = source.storageWarnings
                    cont.resume(returning: .success(result))
                } catch {
                    cont.resume(returning: .failure(error))
                }
            }
        }
        var answer = try result.get()
        answer.stats.queryPreparationTime = (prepared - dequeued).seconds
        answer.stats.innerEvalTime = (clock.now - prepared).seconds
        return answer
    }
}

extension QueryRunner {
    /// Samples plus series × steps below which a query is evaluated on the calling task.
    static let inlineEvaluationBudget = 50_000
}

extension Expr {
    /// True when a subquery appears anywhere (its cost is not bounded by the samples read).
    var containsSubquery: Bool {
        switch self {
        case .number, .string, .vectorSelector, .matrixSelector: return false
        case .subquery: return true
        case .paren(let e, _): return e.containsSubquery
        case .unary(let u): return u.expr.containsSubquery
        case .binary(let b): return b.lhs.containsSubquery || b.rhs.containsSubquery
        case .call(let c): return c.args.contains { $0.containsSubquery }
        case .aggregate(let a): return a.expr.containsSubquery || (a.param?.containsSubquery ?? false)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a float (Prometheus's timer figures).
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// A counting semaphore for queries; waiters queue in order. A lock, not an actor: taking
/// and giving back a free slot is two uncontended lock operations, no thread hand-off.
final class QuerySlots: Sendable {
    private struct State {
        var inUse = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    func acquire() async {
        let limit = self.limit
        let free = state.withLock { s -> Bool in
            guard s.inUse < limit else { return false }
            s.inUse += 1
            return true
        }
        if free { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { s in
                if s.inUse < limit { s.inUse += 1; return true }
                s.waiters.append(c)
                return false
            }
            if granted { c.resume() }
        }
    }

    /// Frees a slot, or hands it straight to the longest waiter.
    func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty { s.inUse -= 1; return nil }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
