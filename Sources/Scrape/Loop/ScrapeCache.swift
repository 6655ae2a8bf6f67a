#if canImport(Glibc)
import Glibc
#endif
import Model
import Storage

/// What a scrape loop remembers about one series between scrapes, keyed by the series' raw
/// bytes as the target writes them (`name{labels}`), so an unchanged target costs one hash
/// lookup per sample and no label parsing (Prometheus's `scrapeCache`).
///
/// Entries live in an array; the hash map only maps raw bytes to array slots, and the
/// "seen in the previous / this scrape" lists hold slots, so staleness checks never hash.
struct ScrapeCache {
    struct Entry {
        /// The storage's reference; nil until the first successful append.
        var ref: SeriesRef?
        /// Final labels (target labels merged, metric relabeling applied); nil when dropped.
        var labels: Labels?
        /// The scrape iteration that last saw this series.
        var lastSeen: Int
        /// The raw bytes this entry is keyed by (a copy; never a slice of a response body).
        let key: RawSeriesKey
    }

    typealias Index = Int

    private var slots = RawKeyTable()
    private(set) var entries: [Entry] = []
    /// Slots seen in the previous and the current scrape, for staleness.
    private var previous: [Int] = []
    private var current: [Int] = []
    private(set) var iteration = 0

    /// Starts a scrape.
    mutating func begin() {
        iteration += 1
        current.removeAll(keepingCapacity: true)
    }

    /// Where the raw series bytes are cached, if they are.
    func index(of raw: ArraySlice<UInt8>) -> Index? {
        raw.withUnsafeBytes { bytes in
            slots.find(bytes, hash: RawSeriesKey.hash(bytes)) { entries[$0].key.bytes }
        }
    }

    /// The cached entry at `i`, mutable in place.
    subscript(i: Index) -> Entry {
        get { entries[i] }
        set { entries[i] = newValue }
    }

    /// Marks the entry at `i` seen in this scrape.
    /// - Returns: false when the series already appeared earlier in this scrape.
    mutating func markSeen(_ i: Index) -> Bool {
        if entries[i].lastSeen == iteration { return false }
        entries[i].lastSeen = iteration
        if entries[i].labels != nil { current.append(i) }
        return true
    }

    /// Caches a new series; the key is copied so the cache never pins a whole response body.
    mutating func insert(_ raw: ArraySlice<UInt8>, labels: Labels?) -> Index {
        let key = RawSeriesKey(raw)
        let i = entries.count
        entries.append(Entry(ref: nil, labels: labels, lastSeen: iteration, key: key))
        slots.insert(i, hash: key.hash) { entries[$0].key.hash }
        if labels != nil { current.append(i) }
        return i
    }

    /// Series of the previous scrape that this scrape did not report: they get staleness markers.
    func disappeared() -> [Entry] {
        previous.compactMap { i in entries[i].lastSeen != iteration ? entries[i] : nil }
    }

    /// Ends a successful scrape: what was seen becomes "previous"; entries unseen for ten
    /// scrapes are evicted (Prometheus also keeps vanished series a while, for flapping targets).
    mutating func endSuccessfulScrape() {
        swap(&previous, &current)
        current.removeAll(keepingCapacity: true)
        if iteration % 10 == 0 { evict(olderThan: iteration - 10) }
    }

    /// Every series of the last successful scrape (for staleness markers when the loop stops).
    func lastScrapeSeries() -> [Entry] { previous.map { entries[$0] } }

    /// Ends a failed scrape: it counts as an empty one, so nothing is "previous" any more
    /// (the caller has written staleness markers for `lastScrapeSeries()`).
    mutating func endFailedScrape() {
        previous.removeAll(keepingCapacity: true)
        current.removeAll(keepingCapacity: true)
    }

    /// Drops entries not seen since `horizon`, renumbering slots.
    private mutating func evict(olderThan horizon: Int) {
        guard entries.contains(where: { $0.lastSeen <= horizon }) else { return }
        var renumber = [Int](repeating: -1, count: entries.count)
        var kept: [Entry] = []
        kept.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() where e.lastSeen > horizon {
            renumber[i] = kept.count
            kept.append(e)
        }
        entries = kept
        slots = RawKeyTable()
        for (i, e) in entries.enumerated() { slots.insert(i, hash: e.key.hash) { entries[$0].key.hash } }
        previous = previous.compactMap { renumber[$0] >= 0 ? renumber[$0] : nil }
    }
}

/// Raw series bytes with a hash computed once, eight bytes at a time: Swift's `Hasher` fed
/// byte by byte, and then a generic `Dictionary`, were the top costs of an unchanged scrape.
struct RawSeriesKey {
    let bytes: [UInt8]
    let hash: UInt64

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = Array(bytes)
        self.hash = self.bytes.withUnsafeBytes { Self.hash($0) }
    }

    /// A multiply-xorshift hash over 8-byte words (not cryptographic; only for the cache map).
    static func hash(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
        var i = 0
        while i + 8 <= p.count {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < p.count {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}

/// An open-addressing table from a raw key's hash to an entry slot (linear probing, power-of-two
/// capacity, at most half full). Keys live in the entries; the table holds only slot numbers.
struct RawKeyTable {
    private var table: [Int32] = Array(repeating: -1, count: 64)
    private var count = 0

    /// The slot whose key bytes equal `bytes`, if any.
    func find(_ bytes: UnsafeRawBufferPointer, hash: UInt64, key: (Int) -> [UInt8]) -> Int? {
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = Int(table[i])
            if slot < 0 { return nil }
            let candidate = key(slot)
            if candidate.count == bytes.count,
               candidate.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
                return slot
            }
            i = (i + 1) & mask
        }
    }

    /// Adds `slot` (whose key is not in the table yet).
    mutating func insert(_ slot: Int, hash: UInt64, hashOf: (Int) -> UInt64) {
        if (count + 1) * 2 > table.count { grow(hashOf) }
        place(slot, hash: hash)
        count += 1
    }

    private mutating func place(_ slot: Int, hash: UInt64) {
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while table[i] >= 0 { i = (i + 1) & mask }
        table[i] = Int32(slot)
    }

    private mutating func grow(_ hashOf: (Int) -> UInt64) {
        let old = table
        table = Array(repeating: -1, count: old.count * 2)
        for s in old where s >= 0 { place(Int(s), hash: hashOf(Int(s))) }
    }
}
