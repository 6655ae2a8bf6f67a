public import Model
import Logging

/// Rebuilds the head from the database at open: series, the last (partial) chunk of each
/// series as its open chunk, then a replay of the write-ahead records' samples that the
/// chunks do not hold. Used by the writer and by read-only opens.
struct HeadLoader {
    let db: Connection
    let index: SeriesIndex
    let metrics: StorageMetrics
    let logger: Logger
    /// Where checksum failures are reported (one ledger per storage, see `CorruptionReport`).
    var report: CorruptionReport? = nil

    private var corruption: CorruptionReport { report ?? CorruptionReport(logger: logger, metrics: metrics) }

    struct Result {
        var head = Head()
        /// The `symbols` table, by id (the writer continues it).
        var symbols: [String] = []
        var lastSeq: Int64 = 0
        var walSizes: [(seq: Int64, bytes: Int)] = []
    }

    func load() throws -> Result {
        var r = Result()
        r.symbols = try loadSymbols()
        try loadSeries(&r.head, symbols: r.symbols)
        try loadLastChunks(&r.head)
        try replayWAL(&r)
        r.head.postings.shrinkToFit()
        var chunks = 0
        for i in r.head.series.indices {
            guard let s = r.head.series[i] else { continue }
            index.load(UInt64(i), s.labels, lastT: s.lastT, lastBits: s.lastBits, hasSample: s.hasSample)
            chunks += s.closed.count + (s.open.isEmpty ? 0 : 1)
        }
        StorageMetrics.add(metrics.headChunks, chunks)
        return r
    }

    /// Symbol ids are dense from 0 (the writer assigns them), so the array index is the id.
    private func loadSymbols() throws -> [String] {
        // Version-1 files (opened read-only for export) have no symbols table: plain label rows.
        guard try db.pragmaInt("user_version") >= 2 else { return [] }
        let q = try db.prepared("SELECT id, value FROM symbols ORDER BY id")
        defer { q.reset() }
        var out: [String] = []
        while try q.step() {
            guard q.int64(0) == Int64(out.count) else {
                throw StorageError(.corruption, "symbol ids in \(db.path) are not dense at \(out.count)")
            }
            out.append(q.string(1))
        }
        return out
    }

    private func loadSeries(_ head: inout Head, symbols: [String]) throws {
        let maxID = try db.prepared("SELECT coalesce(max(id), 0) FROM series")
        if try maxID.step() { head.series.reserveCapacity(Int(maxID.int64(0)) + 1) }  // no doubling slack
        maxID.reset()
        let q = try db.prepared("SELECT id, labels FROM series ORDER BY id")
        defer { q.reset() }
        // Label names and values repeat across series (metric names, jobs, instances): share
        // one heap string per distinct value instead of one per series (symbol rows already
        // share theirs; this covers version-1 rows).
        var interned: [String: String] = [:]
        while try q.step() {
            let id = UInt64(q.int64(0))
            guard let decoded = q.withBlob(1, { RecordCodec.decodeLabels($0, symbols: symbols) }) else {
                // Its samples cannot be attributed to any labels: report and skip the series,
                // and keep its id from being reused (its chunk rows still carry it).
                corruption.series(id: id, path: db.path)
                index.reserve(through: id)
                continue
            }
            let labels = Labels(sortedUnique: decoded.pairs.map { l in
                Label(name: Self.intern(l.name, &interned), value: Self.intern(l.value, &interned))
            })
            head.insert(id, MemSeries(labels: labels))
            head.index(id)
        }
    }

    private static func intern(_ s: String, _ table: inout [String: String]) -> String {
        if s.utf8.count <= 15 { return s }  // stored inline in the String itself
        if let shared = table[s] { return shared }
        table[s] = s
        return s
    }

    /// The newest chunk of each series gives its last sample; a partial one becomes the open chunk.
    private func loadLastChunks(_ head: inout Head) throws {
        let q = try db.prepared("""
            SELECT c.series_id, c.mint, c.maxt, c.crc, c.data FROM chunks c
            JOIN (SELECT series_id, max(mint) AS m FROM chunks GROUP BY series_id) l
              ON c.series_id = l.series_id AND c.mint = l.m
            """)
        defer { q.reset() }
        while try q.step() {
            let ref = UInt64(q.int64(0))
            let data = q.blob(4)
            guard head.contains(ref) else { continue }
            var last: (t: Timestamp, bits: UInt64)?
            var resumed: XORAppender?
            if UInt32(truncatingIfNeeded: q.int64(3)) == CRC32C.checksum(data) {
                if XORChunk.isXOR(data) {
                    resumed = XORAppender(resuming: data)  // one decode gives the last sample too
                    last = resumed.map { ($0.maxt, $0.lastValueBits) }
                } else {
                    // A packed chunk; a partial one (written by a full flush) is rebuilt as
                    // the XOR open chunk so the series keeps appending to it.
                    resumed = Self.reencodedPartial(data)
                    last = resumed.map { ($0.maxt, $0.lastValueBits) } ?? Self.lastSample(of: data)
                }
            }
            guard let last else {
                // The series continues after the damaged chunk; the chunk row stays for forensics.
                corruption.chunk(series: ref, labels: head[ref]?.labels, mint: q.int64(1), maxt: q.int64(2), path: db.path, found: "open")
                head.series[Int(ref)]!.setLast(t: q.int64(2), bits: 0)
                continue
            }
            let idx = Int(ref)
            head.series[idx]!.setLast(t: last.t, bits: last.bits)
            // Only a partial XOR chunk (either layout) is resumed as the open chunk; full ones
            // stay in the table and the next sample starts a new chunk.
            if let resumed, !resumed.isFull {
                head.series[idx]!.open = resumed
                head.series[idx]!.persistedCount = UInt16(resumed.count)
                head.oldestChunkMaxt = min(head.oldestChunkMaxt, resumed.maxt)
            }
            if last.t > head.maxTime { head.maxTime = last.t }
        }
    }

    /// A partial packed chunk re-encoded as an XOR appender; nil when full or undecodable.
    static func reencodedPartial(_ data: [UInt8]) -> XORAppender? {
        guard data.count >= PackedChunk.headerBytes, Int(data[1]) < XORChunk.samplesPerChunk,
              let samples = ChunkIterator.decode(data), !samples.isEmpty else { return nil }
        var a = XORAppender(capacity: samples.count * 10 + 32)
        for s in samples { a.append(t: s.t, bits: s.v.bitPattern) }
        a.shrinkToFit()
        return a
    }

    /// The newest sample of a chunk blob of any encoding, or nil when it does not decode.
    static func lastSample(of data: [UInt8]) -> (t: Timestamp, bits: UInt64)? {
        var it = ChunkIterator(bytes: data)
        var last: Sample?
        while let s = it.next() { last = s }
        guard !it.failed, let last else { return nil }
        return (last.t, last.v.bitPattern)
    }

    /// Replays records in commit order; samples at or before a series' last stored sample
    /// are already in chunks and are skipped. A corrupt record is reported and skipped.
    private func replayWAL(_ r: inout Result) throws {
        let q = try db.prepared("SELECT seq, crc, data FROM wal ORDER BY seq")
        defer { q.reset() }
        var replayed = 0
        let report = corruption
        while try q.step() {
            let seq = q.int64(0)
            let crc = UInt32(truncatingIfNeeded: q.int64(1))
            let ok = q.withBlob(2) { data -> Bool in
                r.walSizes.append((seq, data.count))
                guard CRC32C.checksum(data) == crc else { return false }
                return RecordCodec.forEachSample(in: data) { ref, t, bits in
                    guard r.head.contains(ref) else { return }
                    let idx = Int(ref)
                    if r.head.series[idx]!.hasSample, t <= r.head.series[idx]!.lastT { return }
                    r.head.append(ref, t: t, bits: bits)
                    replayed += 1
                }
            }
            if !ok {
                let guess = q.withBlob(2) { Self.describe($0, head: r.head) }
                report.walRecord(seq: seq, bytes: r.walSizes.last?.bytes ?? 0, path: db.path, guess: guess)
            }
            r.lastSeq = seq
        }
        StorageMetrics.add(metrics.replayedSamples, replayed)
    }

    /// What a damaged record's bytes still decode to: its series and time range, unverified
    /// (the checksum failed), for the loss report; nil when nothing plausible decodes.
    static func describe(_ data: UnsafeRawBufferPointer, head: Head) -> (series: [Labels], mint: Int64, maxt: Int64)? {
        guard let found = RecordCodec.salvage(data) else { return nil }
        var refs = Set<UInt64>()
        for ref in found.refs where head.contains(ref) && refs.count < 100_000 { refs.insert(ref) }
        guard !refs.isEmpty else { return nil }
        return (refs.sorted().compactMap { head[$0]?.labels }, found.mint, found.maxt)
    }
}
