public import Model

/// A chunk the head has cut (full) but not yet written to the `chunks` table.
struct HeadChunk: Sendable {
    let bytes: [UInt8]
    let mint: Timestamp
    let maxt: Timestamp
}

/// One series in the head: its labels, its open chunk and the cut chunks waiting to be
/// flushed. A value type kept in one array indexed by ref, so a querier's snapshot is a
/// copy-on-write copy of that array.
///
/// Layout matters: one per active series. 96 bytes: the labels reference, the open chunk's
/// appender (48, which also remembers the last sample across cuts), the cut-chunk list, the
/// commit scratch, the newest time in the table, and the small counters and flags packed at
/// the end. Besides, each series keeps its newest flushed chunks (those of the last
/// `StorageOptions.headKeepWindow`, at least one; ~100–250 bytes each).
struct MemSeries: Sendable {
    let labels: Labels
    /// The chunk receiving samples; empty right after a cut (it then still knows the last sample).
    var open: XORAppender
    /// Full chunks, oldest first: the first `keptFlushed` are in the `chunks` table already
    /// (the newest written ones, kept so queries of the recent past read memory, not the
    /// table); the rest are written by the next transaction.
    var closed: [HeadChunk] = []
    /// No chunk of this series in the `chunks` table below the head ends after this (`.min`:
    /// none there). A query starting later needs nothing from the table for this series.
    var storedMaxt: Timestamp = .min
    /// Validation scratch for the commit in progress (`batchEpoch` says which commit).
    var batchT: Timestamp = 0
    var batchBits: UInt64 = 0
    var batchEpoch: UInt32 = 0
    /// How many samples of `open` the `chunks` table already holds (as a partial chunk).
    var persistedCount: UInt16 = 0
    var hasSample = false
    /// How many of the oldest `closed` chunks are in the table already (kept in memory for
    /// queries; never written again).
    var keptFlushed: UInt8 = 0

    init(labels: Labels) {
        self.labels = labels
        open = XORAppender()
    }

    /// The newest sample (also when `open` is empty); meaningful when `hasSample`.
    var lastT: Timestamp { open.maxt }
    var lastBits: UInt64 { open.lastValueBits }

    /// Records the newest sample of a series whose samples are all in the table (at load).
    mutating func setLast(t: Timestamp, bits: UInt64) {
        storedMaxt = t
        closed = []
        keptFlushed = 0
        open = XORAppender(after: t, bits: bits)
        persistedCount = 0
        hasSample = true
    }

    /// Appends a validated sample; returns true when the open chunk was cut.
    @inline(__always)
    mutating func append(t: Timestamp, bits: UInt64, pack: Bool = true) -> Bool {
        open.append(t: t, bits: bits)
        hasSample = true
        guard open.isFull else { return false }
        let bytes = pack ? ChunkEncoding.finish(xor: open.bytes) : Array(open.bytes)
        closed.append(HeadChunk(bytes: bytes, mint: open.mint, maxt: open.maxt))
        open = XORAppender(after: t, bits: bits, capacity: open.bytes.count + 16)
        persistedCount = 0
        return true
    }

    /// The cut chunks the next transaction must write to the table.
    var unflushed: ArraySlice<HeadChunk> { closed[Int(keptFlushed)...] }

    /// `!unflushed.isEmpty` without making a slice (no retain on the per-sample path).
    var hasUnflushed: Bool { closed.count > Int(keptFlushed) }

    /// Called once the unflushed chunks are in the table: keeps in memory the newest of them
    /// and those ending within `window` before it (oldest dropped first, so the kept chunks
    /// stay the newest ones in the table, contiguous with the open chunk).
    mutating func didFlush(keeping window: Timestamp) {
        guard hasUnflushed, let newest = closed.last else { return }
        storedMaxt = max(storedMaxt, newest.maxt)
        let from = newest.maxt &- window
        var first = closed.count - 1
        while first > 0, closed[first - 1].maxt >= from, closed.count - first < Int(UInt8.max) { first -= 1 }
        if first > 0 { closed.removeFirst(first) }
        keptFlushed = UInt8(closed.count)
    }

    /// Drops chunks (kept or not yet flushed) that end before `cutoff`; chunks are in time
    /// order, so they are a prefix.
    mutating func dropChunks(endingBefore cutoff: Timestamp) {
        let expired = closed.prefix { $0.maxt < cutoff }.count
        guard expired > 0 else { return }
        closed.removeFirst(expired)
        keptFlushed = UInt8(max(0, Int(keptFlushed) - expired))
    }

    /// The head's chunks overlapping [mint, maxt], oldest first, for a query.
    func chunks(mint: Timestamp, maxt: Timestamp) -> [ChunkData] {
        var out: [ChunkData] = []
        for c in closed where c.maxt >= mint && c.mint <= maxt {
            out.append(ChunkData(bytes: c.bytes, mint: c.mint, maxt: c.maxt))
        }
        if !open.isEmpty, open.maxt >= mint, open.mint <= maxt {
            out.append(ChunkData(bytes: open.bytes, mint: open.mint, maxt: open.maxt))
        }
        return out
    }

    /// The oldest time the head holds for this series; older samples come from the table.
    var headMint: Timestamp {
        if let c = closed.first { return c.mint }
        return open.isEmpty ? .max : open.mint
    }

    /// True when the open chunk has samples the table does not hold yet.
    var openIsDirty: Bool { open.count > Int(persistedCount) }
}

/// The in-memory part of the database: every series with its open chunk, and the postings
/// index. Owned by `SQLiteWriter` (or frozen for a read-only storage); queriers get copies.
struct Head: Sendable {
    /// Indexed by ref; nil for refs that were never committed (ref 0 never is).
    var series: SeriesTable = {
        var t = SeriesTable()
        t.grow(to: 1)
        return t
    }()
    var postings = Postings()
    /// Refs whose `closed` list is not empty.
    var seriesWithClosedChunks: [UInt64] = []
    /// The newest sample time in the head (`Timestamp.min` when empty).
    var maxTime: Timestamp = .min
    /// No head chunk ends before this (a lower bound; `.max` when nothing was appended): time
    /// retention skips its walk over every series while the cutoff is below it.
    var oldestChunkMaxt: Timestamp = .max
    /// Whether cut chunks may take the packed encoding (`StorageOptions.packedChunks`).
    var packChunks = true
    /// How far back flushed chunks stay in memory (`StorageOptions.headKeepWindow`, ms).
    var keepWindow: Timestamp = 15 * 60 * 1000
    private(set) var seriesCount = 0

    subscript(ref: UInt64) -> MemSeries? {
        get { ref < UInt64(series.count) ? series[Int(ref)] : nil }
    }

    func contains(_ ref: UInt64) -> Bool { ref < UInt64(series.count) && series[Int(ref)] != nil }

    /// Creates the series (not yet in postings: `index(_:)` makes it visible to queries).
    mutating func insert(_ ref: UInt64, _ s: MemSeries) {
        if ref >= UInt64(series.count) { series.grow(to: Int(ref) + 1) }
        if series[Int(ref)] == nil { seriesCount += 1 }
        series[Int(ref)] = s
    }

    mutating func index(_ ref: UInt64) {
        if let s = series[Int(ref)] { postings.add(ref, s.labels) }
    }

    mutating func remove(_ ref: UInt64, fromPostings: Bool) {
        guard let s = self[ref] else { return }
        if fromPostings { postings.remove(ref, s.labels) }
        series[Int(ref)] = nil
        seriesCount -= 1
    }

    /// Appends a validated sample to series `ref` (which must exist), noting cut chunks.
    @inline(__always)
    mutating func append(_ ref: UInt64, t: Timestamp, bits: UInt64) {
        let hadUnflushed = series[Int(ref)]!.hasUnflushed
        if series[Int(ref)]!.append(t: t, bits: bits, pack: packChunks), !hadUnflushed {
            seriesWithClosedChunks.append(ref)
        }
        if t > maxTime { maxTime = t }
        if t < oldestChunkMaxt { oldestChunkMaxt = t }
    }
}

/// What a querier reads from the head: a frozen copy of the series array and postings.
struct HeadSnapshot: Sendable {
    let head: Head
}
