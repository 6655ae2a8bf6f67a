#if canImport(Glibc)
import Glibc
#endif
import Model
import Storage

/// What a scrape loop remembers about one series between scrapes, keyed by the series' raw
/// bytes as the target writes them (`name{labels}`), so an unchanged target costs one hash
/// lookup per sample and no label parsing (Prometheus's `scrapeCache`).
///
/// Entries live in an array and their keys back to back in one byte arena, both in the order
/// the target first wrote the series, so the lookups of an unchanged scrape walk memory
/// forwards (the hardware prefetcher's case) instead of chasing a buffer per key. The hash
/// map only maps raw bytes to array slots, and the "seen in the previous / this scrape" lists
/// hold slots, so staleness checks never hash.
struct ScrapeCache {
    struct Entry {
        /// The storage's reference; nil until the first successful append.
        var ref: SeriesRef?
        /// Final labels (target labels merged, metric relabeling applied); nil when dropped.
        var labels: Labels?
        /// The scrape iteration that last saw this series.
        var lastSeen: Int
        /// Where the raw bytes this entry is keyed by sit in the key arena (a copy; never a
        /// slice of a response body), and their hash.
        var keyStart: Int
        let keyCount: Int
        let hash: UInt64
    }

    typealias Index = Int

    private var slots = RawKeyTable()
    private(set) var entries: [Entry] = []
    private var keys: [UInt8] = []
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
        raw.withUnsafeBytes { index(of: $0) }
    }

    /// Where the raw series bytes are cached, if they are (bytes in place, e.g. in the body).
    func index(of bytes: UnsafeRawBufferPointer) -> Index? {
        keys.withUnsafeBytes { arena in
            slots.find(hash: RawSeriesKey.hash(bytes)) { slot in
                let e = entries[slot]
                return e.keyCount == bytes.count
                    && (bytes.count == 0 || memcmp(arena.baseAddress! + e.keyStart, bytes.baseAddress!, bytes.count) == 0)
            }
        }
    }

    /// The cached entry at `i`, mutable in place.
    subscript(i: Index) -> Entry {
        get { entries[i] }
        set { entries[i] = newValue }
    }

    /// The storage ref of entry `i` (no copy of the entry, so its labels stay untouched).
    @inline(__always)
    func ref(_ i: Index) -> SeriesRef? { entries[i].ref }

    /// Whether metric relabeling dropped entry `i`.
    @inline(__always)
    func isDropped(_ i: Index) -> Bool { entries[i].labels == nil }

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
        let hash = raw.withUnsafeBytes { RawSeriesKey.hash($0) }
        let i = entries.count
        entries.append(Entry(ref: nil, labels: labels, lastSeen: iteration, keyStart: keys.count, keyCount: raw.count, hash: hash))
        keys.append(contentsOf: raw)
        slots.insert(i, hash: hash) { entries[$0].hash }
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

    /// Drops entries not seen since `horizon`, renumbering slots and compacting the arena.
    private mutating func evict(olderThan horizon: Int) {
        guard entries.contains(where: { $0.lastSeen <= horizon }) else { return }
        var renumber = [Int](repeating: -1, count: entries.count)
        var kept: [Entry] = []
        var keptKeys: [UInt8] = []
        kept.reserveCapacity(entries.count)
        keptKeys.reserveCapacity(keys.count)
        for (i, e) in entries.enumerated() where e.lastSeen > horizon {
            renumber[i] = kept.count
            var moved = e
            moved.keyStart = keptKeys.count
            keptKeys.append(contentsOf: keys[e.keyStart..<(e.keyStart + e.keyCount)])
            kept.append(moved)
        }
        entries = kept
        keys = keptKeys
        slots = RawKeyTable()
        for (i, e) in entries.enumerated() { slots.insert(i, hash: e.hash) { entries[$0].hash } }
        previous = previous.compactMap { renumber[$0] >= 0 ? renumber[$0] : nil }
    }

    /// The raw bytes entry `i` is keyed by (tests).
    func key(_ i: Index) -> [UInt8] { Array(keys[entries[i].keyStart..<(entries[i].keyStart + entries[i].keyCount)]) }
}

/// The cache's hash of raw series bytes, computed eight bytes at a time: Swift's `Hasher`
/// fed byte by byte, and then a generic `Dictionary`, were the top costs of an unchanged scrape.
enum RawSeriesKey {
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
/// capacity, at most half full). Keys live in the cache; each table word holds a slot number
/// (low 32 bits, all ones when empty) and the top 32 bits of the key's hash, so a probe that
/// meets another key almost never has to compare bytes.
struct RawKeyTable {
    private static let empty = UInt64(UInt32.max)
    private var table: [UInt64] = Array(repeating: RawKeyTable.empty, count: 64)
    private var count = 0

    /// The slot whose key `matches`, if any.
    @inline(__always)
    func find(hash: UInt64, matches: (Int) -> Bool) -> Int? {
        let mask = table.count - 1
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let word = table[i]
            if word == Self.empty { return nil }
            if word & 0xFFFF_FFFF_0000_0000 == tag, matches(Int(word & 0xFFFF_FFFF)) { return Int(word & 0xFFFF_FFFF) }
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
        while table[i] != Self.empty { i = (i + 1) & mask }
        table[i] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(slot))
    }

    private mutating func grow(_ hashOf: (Int) -> UInt64) {
        let old = table
        table = Array(repeating: Self.empty, count: old.count * 2)
        for w in old where w != Self.empty {
            let slot = Int(w & 0xFFFF_FFFF)
            place(slot, hash: hashOf(slot))
        }
    }
}
