public import Model
public import Storage

/// Adapts Storage's async `Queryable` to the engine's synchronous `SeriesSource`: every selector of
/// the query is selected once, up front, through one querier over the time range the query can
/// touch; the engine then evaluates without suspending.
struct PrefetchedSeriesSource: SeriesSource {
    var series: [[Matcher]: [StoredSeries]]

    func select(matchers: [Matcher], mint: Timestamp, maxt: Timestamp) throws -> [StoredSeries] {
        series[matchers] ?? []
    }

    /// Selects all selectors of `expr` from `queryable` for evaluation between `start` and `end`.
    static func load(_ expr: Expr, start: Timestamp, end: Timestamp, options: EngineOptions,
                     from queryable: any Queryable) async throws -> PrefetchedSeriesSource {
        let selectors = expr.allSelectors
        // Conservative bounds: lookback, ranges, offsets and @ of every selector and subquery.
        var mint = start, maxt = end
        let slack = expr.maxLookBehind + options.lookbackDelta
        mint -= slack
        for at in expr.atTimestamps { mint = min(mint, at - slack); maxt = max(maxt, at) }
        maxt += expr.maxNegativeOffset
        let querier = try await queryable.querier(mint: mint, maxt: maxt)
        var out: [[Matcher]: [StoredSeries]] = [:]
        do {
            for m in Set(selectors.map(\.matchers)) {
                let set = try await querier.select(matchers: m)
                out[m] = set.series.map { StoredSeries(labels: $0.labels, samples: $0.allSamples()) }
            }
        } catch {
            await querier.close()
            throw error
        }
        await querier.close()
        return PrefetchedSeriesSource(series: out)
    }
}

extension Expr {
    /// Every vector selector (also those inside range selectors and subqueries).
    var allSelectors: [VectorSelector] {
        switch self {
        case .number, .string: return []
        case .vectorSelector(let v): return [v]
        case .matrixSelector(let m): return [m.vector]
        case .subquery(let s): return s.expr.allSelectors
        case .paren(let e, _): return e.allSelectors
        case .unary(let u): return u.expr.allSelectors
        case .binary(let b): return b.lhs.allSelectors + b.rhs.allSelectors
        case .call(let c): return c.args.flatMap(\.allSelectors)
        case .aggregate(let a): return a.expr.allSelectors + (a.param?.allSelectors ?? [])
        }
    }

    /// An upper bound of how far before the evaluation time data can be read (ms), without lookback.
    var maxLookBehind: Int64 {
        switch self {
        case .number, .string: return 0
        case .vectorSelector(let v): return max(0, v.offset) + (v.offsetExpr == nil ? 0 : 86_400_000)
        case .matrixSelector(let m):
            return m.range + max(0, m.vector.offset) + (m.rangeExpr == nil && m.vector.offsetExpr == nil ? 0 : 86_400_000)
        case .subquery(let s):
            let extra: Int64 = s.rangeExpr == nil && s.offsetExpr == nil ? 0 : 86_400_000
            return s.range + max(0, s.offset) + extra + s.expr.maxLookBehind
        case .paren(let e, _): return e.maxLookBehind
        case .unary(let u): return u.expr.maxLookBehind
        case .binary(let b): return max(b.lhs.maxLookBehind, b.rhs.maxLookBehind)
        case .call(let c): return c.args.map(\.maxLookBehind).max() ?? 0
        case .aggregate(let a): return max(a.expr.maxLookBehind, a.param?.maxLookBehind ?? 0)
        }
    }

    /// How far after the evaluation time negative offsets can read (ms).
    var maxNegativeOffset: Int64 {
        allSelectors.map { max(0, -$0.offset) + ($0.offsetExpr == nil ? 0 : 86_400_000) }.max() ?? 0
    }

    /// Timestamps of `@ <t>` modifiers.
    var atTimestamps: [Timestamp] {
        allSelectors.compactMap { if case .timestamp(let t)? = $0.at { return t } else { return nil } }
    }
}

extension Engine {
    /// Evaluates `query` at `t` against a storage (see `instantQuery(_:at:source:)`).
    /// - Throws: `QueryError`, or the storage's error when selecting fails.
    public func instantQuery(_ query: String, at t: Timestamp, queryable: any Queryable) async throws -> QueryResult {
        let expr = try parse(query)
        let source = try await PrefetchedSeriesSource.load(expr, start: t, end: t, options: options, from: queryable)
        return try instantQuery(query, at: t, source: source)
    }

    /// Evaluates `query` from `start` to `end` against a storage (see `rangeQuery(_:start:end:step:source:)`).
    /// - Throws: `QueryError`, or the storage's error when selecting fails.
    public func rangeQuery(_ query: String, start: Timestamp, end: Timestamp, step: Int64,
                           queryable: any Queryable) async throws -> QueryResult {
        let expr = try parse(query)
        let source = try await PrefetchedSeriesSource.load(expr, start: start, end: end, options: options, from: queryable)
        return try rangeQuery(query, start: start, end: end, step: step, source: source)
    }
}
