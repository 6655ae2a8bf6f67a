public import Model
import Synchronization

/// The query engine's self-metrics (`lantern_engine_*`, Prometheus's `prometheus_engine_*`):
/// how busy the `--query.max-concurrency` slots are and how often `--query.timeout` and
/// `--query.max-samples` stopped a query. They exist so an operator can tell "queries are
/// slow" from "queries are queued" and see which limit is protecting the server.
///
/// Atomics, because every query task bumps them without going through an actor.
public final class QueryMetrics: Sendable {
    let maxConcurrent: Int
    let inFlight = Atomic<Int>(0)
    let waiting = Atomic<Int>(0)
    let total = Atomic<Int>(0)
    let timeouts = Atomic<Int>(0)
    let samplesLimitHits = Atomic<Int>(0)
    let failures = Atomic<Int>(0)

    init(maxConcurrent: Int) { self.maxConcurrent = maxConcurrent }

    /// Counts one finished query by its outcome.
    func record(_ error: QueryError?) {
        total.wrappingAdd(1, ordering: .relaxed)
        guard let error else { return }
        switch error.kind {
        case .timeout: timeouts.wrappingAdd(1, ordering: .relaxed)
        case .tooManySamples: samplesLimitHits.wrappingAdd(1, ordering: .relaxed)
        case .parse: return
        case .execution, .storage: failures.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// The families for `/metrics`.
    public func collect() -> [MetricFamily] {
        func load(_ a: borrowing Atomic<Int>) -> Double { Double(a.load(ordering: .relaxed)) }
        let running = load(inFlight), queued = load(waiting)
        return [
            MetricFamily(name: "lantern_engine_queries", help: "The current number of queries being executed or waiting.", type: .gauge, value: running + queued),
            MetricFamily(name: "lantern_engine_queries_in_flight", help: "Queries holding one of the --query.max-concurrency slots.", type: .gauge, value: running),
            MetricFamily(name: "lantern_engine_queries_waiting", help: "Queries waiting for a --query.max-concurrency slot.", type: .gauge, value: queued),
            MetricFamily(name: "lantern_engine_queries_concurrent_max", help: "The max number of concurrent queries.", type: .gauge, value: Double(maxConcurrent)),
            MetricFamily(name: "lantern_engine_queries_total", help: "Queries evaluated (parse errors excluded).", type: .counter, value: load(total)),
            MetricFamily(name: "lantern_engine_query_timeouts_total", help: "Queries aborted by --query.timeout or the request's timeout.", type: .counter, value: load(timeouts)),
            MetricFamily(name: "lantern_engine_query_samples_limit_hits_total", help: "Queries aborted because they would load more than --query.max-samples samples.", type: .counter, value: load(samplesLimitHits)),
            MetricFamily(name: "lantern_engine_query_failures_total", help: "Queries that failed in execution or storage.", type: .counter, value: load(failures)),
        ]
    }
}
