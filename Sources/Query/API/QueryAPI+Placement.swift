import Model
import Storage

/// Where a read request runs. The HTTP server keeps GET queries on the connection's event loop
/// (two thread hand-offs cost a tenth of a small query's time there); a query the storage
/// expects to touch much data moves to the cooperative pool before it starts, so a long
/// evaluation never holds up the other connections of that loop.
extension QueryAPI {
    /// Estimated work (series × points) up to which a request stays where it is.
    static let eventLoopBudget = 20_000

    /// Runs `body` on the current executor when `cost` is known and small, else on the pool.
    func placed<T: Sendable>(cost: Int?, _ body: () async -> T) async -> T {
        if let cost, cost <= Self.eventLoopBudget { return await body() }
        return await withTaskExecutorPreference(globalConcurrentExecutor) { await body() }
    }

    /// Series × points `text` reads from `start` to `end` at `step`, counting one sample a
    /// second over each range read (an upper bound for usual scrape intervals); nil when the
    /// storage cannot tell from memory or the query has a subquery (its cost is not bounded by
    /// what it selects). A query that does not parse costs nothing: its error comes at once.
    func estimatedCost(_ text: String, start: Timestamp, end: Timestamp, step: Int64, lookbackDelta: Int64?) -> Int? {
        guard let expr = try? parseExpr(text) else { return 0 }
        if expr.containsSubquery { return nil }
        let lookback = lookbackDelta ?? runner.engine.options.lookbackDelta
        let plan = SelectionPlan(expr, start: start, end: end, step: step, lookbackDelta: lookback)
        let steps = step > 0 ? Int((end - start) / step) + 1 : 1
        var total = 0
        for s in plan.selections {
            guard let series = queryable.estimatedSeries(matching: s.matchers) else { return nil }
            let span = Int(max(0, s.maxt - s.mint) / 1000)
            total += series * (s.grid != nil ? steps : steps + span)
        }
        return total
    }

    /// Series the `match[]` sets of a look-up select, nil when unknown.
    func estimatedCost(matcherSets: [[Matcher]]) -> Int? {
        var total = 0
        for m in matcherSets {
            guard let n = queryable.estimatedSeries(matching: m) else { return nil }
            total += n
        }
        return total
    }
}
