public import Model

/// The result of `Querier.select`: series sorted by labels, plus warnings for what could not
/// be read (a corrupt chunk, a failing secondary storage) without failing the whole query,
/// as Prometheus's `SeriesSet.Warnings()`.
public struct SeriesSet: Sendable, Sequence {
    public var series: [Series]
    public var warnings: [String]

    public init(series: [Series] = [], warnings: [String] = []) {
        self.series = series
        self.warnings = warnings
    }

    public func makeIterator() -> IndexingIterator<[Series]> { series.makeIterator() }
    public var count: Int { series.count }
    public var isEmpty: Bool { series.isEmpty }

    /// Merges sets sorted by labels into one sorted set; series with equal labels are merged
    /// sample by sample, the earlier set winning at equal timestamps.
    public static func merging(_ sets: [SeriesSet]) -> SeriesSet {
        if sets.count == 1 { return sets[0] }
        var byLabels: [Labels: [Series]] = [:]
        var warnings: [String] = []
        for set in sets {
            warnings += set.warnings
            for s in set.series { byLabels[s.labels, default: []].append(s) }
        }
        let merged = byLabels.map { labels, parts in
            parts.count == 1 ? parts[0] : Series(labels: labels, merging: parts)
        }.sorted { $0.labels < $1.labels }
        return SeriesSet(series: merged, warnings: warnings)
    }
}
