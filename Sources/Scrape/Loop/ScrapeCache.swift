import Model
import Storage

/// What a scrape loop remembers about one series between scrapes, keyed by the series' raw
/// bytes as the target writes them (`name{labels}`), so an unchanged target costs one hash
/// lookup per sample and no label parsing (Prometheus's `scrapeCache`).
struct ScrapeCache {
    struct Entry {
        /// The storage's reference; nil until the first successful append.
        var ref: SeriesRef?
        /// Final labels (target labels merged, metric relabeling applied); nil when dropped.
        var labels: Labels?
        /// The scrape iteration that last saw this series.
        var lastSeen: Int
    }

    private(set) var entries: [ArraySlice<UInt8>: Entry] = [:]
    /// Keys seen in the previous and the current scrape, for staleness.
    private var previous: [ArraySlice<UInt8>] = []
    private var current: [ArraySlice<UInt8>] = []
    private(set) var iteration = 0

    /// Starts a scrape.
    mutating func begin() {
        iteration += 1
        current.removeAll(keepingCapacity: true)
    }

    typealias Index = Dictionary<ArraySlice<UInt8>, Entry>.Index

    /// Where the raw series bytes are cached, if they are.
    func index(of raw: ArraySlice<UInt8>) -> Index? { entries.index(forKey: raw) }

    /// The cached entry at `i`, mutable in place (no second hash lookup).
    subscript(i: Index) -> Entry {
        get { entries.values[i] }
        set { entries.values[i] = newValue }
    }

    /// Marks the entry at `i` seen in this scrape.
    /// - Returns: false when the series already appeared earlier in this scrape.
    mutating func markSeen(_ i: Index) -> Bool {
        if entries.values[i].lastSeen == iteration { return false }
        entries.values[i].lastSeen = iteration
        if entries.values[i].labels != nil { current.append(entries.keys[i]) }
        return true
    }

    /// Caches a new series; `raw` is copied so the cache never pins a whole response body.
    mutating func insert(_ raw: ArraySlice<UInt8>, labels: Labels?) -> Index {
        let key = ArraySlice(Array(raw))
        entries[key] = Entry(ref: nil, labels: labels, lastSeen: iteration)
        if labels != nil { current.append(key) }
        return entries.index(forKey: key)!
    }

    /// Series of the previous scrape that this scrape did not report: they get staleness markers.
    func disappeared() -> [Entry] {
        previous.compactMap { key in
            guard let e = entries[key], e.lastSeen != iteration, e.labels != nil else { return nil }
            return e
        }
    }

    /// Ends a successful scrape: what was seen becomes "previous"; entries unseen for ten
    /// scrapes are evicted (Prometheus also keeps vanished series a while, for flapping targets).
    mutating func endSuccessfulScrape() {
        swap(&previous, &current)
        current.removeAll(keepingCapacity: true)
        // Prometheus keeps series for a few scrapes after they vanish; evict after 10 iterations.
        if iteration % 10 == 0 {
            let horizon = iteration - 10
            entries = entries.filter { $0.value.lastSeen > horizon }
        }
    }

    /// Every series of the last successful scrape (for staleness markers when the loop stops).
    func lastScrapeSeries() -> [Entry] {
        previous.compactMap { entries[$0] }.filter { $0.labels != nil }
    }

    /// Ends a failed scrape: it counts as an empty one, so nothing is "previous" any more
    /// (the caller has written staleness markers for `lastScrapeSeries()`).
    mutating func endFailedScrape() {
        previous.removeAll(keepingCapacity: true)
        current.removeAll(keepingCapacity: true)
    }
}
