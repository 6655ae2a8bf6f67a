public import Model

/// One stored series: its labels and its samples in increasing time order.
/// Stale markers (`StaleNaN`) are kept as samples; the engine interprets them.
public struct StoredSeries: Sendable {
    /// The series' label set, including `__name__`.
    public var labels: Labels
    /// Samples sorted by timestamp, no duplicates.
    public var samples: [Sample]
    /// Creates a series.
    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// Where the engine reads series from. The contract is that of Prometheus's `storage.Querier.Select`:
/// return every series matching all matchers that may have samples in `mint...maxt` (inclusive),
/// each with its samples in that range, sorted by labels. Implementations must be safe to call from
/// the thread running the query; one query calls `select` once per selector.
public protocol SeriesSource {
    /// Returns the matching series restricted to `mint...maxt`.
    /// - Throws: Storage errors, surfaced to the caller as query errors.
    func select(matchers: [Matcher], mint: Timestamp, maxt: Timestamp) throws -> [StoredSeries]
}

/// An in-memory `SeriesSource` used by the conformance runner and tests.
/// Not thread-safe: fill it, then query it from one task.
public final class MemorySeriesSource: SeriesSource {
    private var series: [Labels: [Sample]] = [:]

    /// Creates an empty source.
    public init() {}

    /// Appends a sample; samples of one series must be added in increasing time order
    /// (an older or equal timestamp replaces/ignores as Prometheus's out-of-order rejection would).
    public func append(_ labels: Labels, _ t: Timestamp, _ v: Double) {
        var s = series[labels, default: []]
        if let last = s.last, last.t >= t {
            if last.t == t { s[s.count - 1] = Sample(t: t, v: v) }
        } else {
            s.append(Sample(t: t, v: v))
        }
        series[labels] = s
    }

    /// Removes all data.
    public func clear() { series.removeAll() }

    /// All label sets currently stored.
    public var allLabels: [Labels] { Array(series.keys) }

    public func select(matchers: [Matcher], mint: Timestamp, maxt: Timestamp) throws -> [StoredSeries] {
        var out: [StoredSeries] = []
        for (labels, samples) in series where matchers.allSatisfy({ $0.matches(labels) }) {
            let lo = samples.partitionPoint { $0.t < mint }
            let hi = samples.partitionPoint { $0.t <= maxt }
            if lo < hi { out.append(StoredSeries(labels: labels, samples: Array(samples[lo..<hi]))) }
        }
        return out.sorted { $0.labels < $1.labels }
    }
}

extension Array {
    /// The first index whose element does not satisfy `pred` (which must be true for a prefix).
    func partitionPoint(_ pred: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if pred(self[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
