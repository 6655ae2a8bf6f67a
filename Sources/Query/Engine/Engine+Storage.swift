public import Model
public import Storage

extension SelectionPlan {
    /// Reads every planned selection through one querier over the plan's time range (one
    /// consistent snapshot), ready for synchronous evaluation.
    public func prefetch(from queryable: any Queryable) async throws -> PrefetchedSeriesSource {
        guard !selections.isEmpty else { return PrefetchedSeriesSource([:]) }
        let querier = try await queryable.querier(mint: mint, maxt: maxt)
        var out: [[Matcher]: [StoredSeries]] = [:]
        var warnings: [String] = []
        do {
            for s in selections {
                let set = try await querier.select(matchers: s.matchers)
                for w in set.warnings where !warnings.contains(w) { warnings.append(w) }
                var expected = 0
                if s.latestOnly {
                    out[s.matchers] = set.series.compactMap { series in
                        series.latestSample(mint: s.mint, maxt: s.maxt).map { StoredSeries(labels: series.labels, samples: [$0]) }
                    }
                    continue
                }
                out[s.matchers] = set.series.compactMap { series in
                    // Each matcher set gets only its own range of the shared snapshot. Series of
                    // one selection mostly have alike sample counts: size for the previous one.
                    var samples: [Sample] = []
                    samples.reserveCapacity(expected)
                    var it = series.makeIterator()
                    while let p = it.next(), p.t <= s.maxt {
                        if p.t >= s.mint { samples.append(p) }
                    }
                    expected = samples.count
                    return samples.isEmpty ? nil : StoredSeries(labels: series.labels, samples: samples)
                }
            }
        } catch {
            await querier.close()
            throw error
        }
        await querier.close()
        return PrefetchedSeriesSource(out, storageWarnings: warnings)
    }
}

extension Engine {
    /// Evaluates `query` at `t` against a storage (see `instantQuery(_:at:source:)`).
    /// - Throws: `QueryError`, or the storage's error when selecting fails.
    public func instantQuery(_ query: String, at t: Timestamp, queryable: any Queryable) async throws -> QueryResult {
        let plan = SelectionPlan(try parse(query), start: t, end: t, step: 0, lookbackDelta: options.lookbackDelta)
        return try instantQuery(query, at: t, source: try await plan.prefetch(from: queryable))
    }

    /// Evaluates `query` from `start` to `end` against a storage (see `rangeQuery(_:start:end:step:source:)`).
    /// - Throws: `QueryError`, or the storage's error when selecting fails.
    public func rangeQuery(_ query: String, start: Timestamp, end: Timestamp, step: Int64,
                           queryable: any Queryable) async throws -> QueryResult {
        let plan = SelectionPlan(try parse(query), start: start, end: end, step: step, lookbackDelta: options.lookbackDelta)
        return try rangeQuery(query, start: start, end: end, step: step, source: try await plan.prefetch(from: queryable))
    }
}
