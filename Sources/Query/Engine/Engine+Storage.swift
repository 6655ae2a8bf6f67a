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
                // Instant selectors read only the newest sample at or before each step: a
                // series with a head sample before the first step needs nothing older.
                let set = try await querier.select(matchers: s.matchers, hints: SelectHints(instantFrom: s.grid?.first))
                for w in set.warnings where !warnings.contains(w) { warnings.append(w) }
                var expected = 0
                if let grid = s.grid, grid.first == grid.last {
                    out[s.matchers] = set.series.compactMap { series in
                        series.latestSample(mint: s.mint, maxt: s.maxt).map { StoredSeries(labels: series.labels, samples: [$0]) }
                    }
                    continue
                }
                if let grid = s.grid {
                    out[s.matchers] = set.series.compactMap { series in
                        let samples = Self.samplesAtGrid(series, s, grid)
                        return samples.isEmpty ? nil : StoredSeries(labels: series.labels, samples: samples)
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
        // Everything is read. Closing costs no thread hop: the SQLite querier gives its
        // connection (if it took one) back in the background.
        await querier.close()
        return PrefetchedSeriesSource(out, storageWarnings: warnings)
    }

    /// The samples of `series` in the selection's range that are the newest at or before some
    /// grid time: all an instant selector evaluated on the grid can read. A range query at a
    /// 30 s step over 1 s data keeps one sample in 30, and one instead of the whole lookback
    /// before the first step (every sample is still decoded; far fewer are stored).
    static func samplesAtGrid(_ series: Series, _ s: Selection, _ grid: StepGrid) -> [Sample] {
        var out: [Sample] = []
        var prev: Sample?
        var prevNeededBefore: Timestamp?  // the first grid time at or after prev.t
        var it = series.makeIterator()
        while let p = it.next(), p.t <= s.maxt {
            guard p.t >= s.mint else { continue }
            // prev is the newest sample at grid time g when prev.t <= g < p.t.
            if let pr = prev, let g = prevNeededBefore, g < p.t { out.append(pr) }
            prev = p
            prevNeededBefore = grid.next(atOrAfter: p.t)
        }
        if let pr = prev, prevNeededBefore != nil { out.append(pr) }
        return out
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
