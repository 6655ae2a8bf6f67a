public import Model
import Synchronization

/// A read view of an `SQLiteStorage`: a frozen copy of the head plus, when some series needs
/// chunks from the table, a read transaction on its own connection. An actor on its own serial
/// queue, so its SQLite reads block neither the cooperative pool nor the writer.
///
/// The transaction begins only when first needed, after the head was copied. That is still a
/// consistent view: table chunks are read only below each series' head start (`headMint` of
/// the copy), and chunks the writer moves out of the head later start at or above it, so a
/// sample is never missed nor read twice. A query that only needs the head (the usual
/// dashboard over the last minutes) is answered on the caller's thread with no hop to the
/// querier's queue and no connection at all (docs/PERFORMANCE.md, "Session 11").
actor SQLiteQuerier: Querier {
    private let executor = SerialQueueExecutor(label: "lantern.sqlite.querier")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// The connection with the read transaction, once begun.
    private var box: ConnectionBox?
    /// Set by `close()`; readable without the actor's queue.
    private let closed = Atomic<Bool>(false)
    /// Set once `box` holds a connection: `close()` then has one to give back.
    private let holdsConnection = Atomic<Bool>(false)
    private let head: Head
    private let mint: Timestamp
    private let maxt: Timestamp
    private let pool: ReaderPool
    private let metrics: StorageMetrics
    private let report: CorruptionReport

    init(head: Head, mint: Timestamp, maxt: Timestamp, pool: ReaderPool, metrics: StorageMetrics, report: CorruptionReport) {
        self.report = report
        self.head = head
        self.mint = mint
        self.maxt = maxt
        self.pool = pool
        self.metrics = metrics
    }

    private nonisolated func checkOpen() throws {
        if closed.load(ordering: .acquiring) { throw StorageError.closed("querier") }
    }

    /// The connection, beginning the read transaction on first use.
    private func connection() async throws -> Connection {
        try checkOpen()
        if let box { return box.connection }
        // An idle connection without a hop (this runs on the querier's own queue); a new one
        // is opened on the pool's queue.
        let b: ConnectionBox
        if let idle = try pool.takeIdle() { b = idle } else { b = try await pool.acquire() }
        do {
            try ReadSnapshot.begin(b.connection)
        } catch {
            pool.giveBack(b)
            throw error
        }
        // Another call of this actor may have begun one while `acquire` was awaited.
        if let box {
            pool.giveBack(b)
            return box.connection
        }
        box = b
        holdsConnection.store(true, ordering: .releasing)
        if closed.load(ordering: .acquiring) {
            releaseConnection()
            throw StorageError.closed("querier")
        }
        return b.connection
    }

    /// Whether the head copy holds all the reader needs of series `s`: the range starts in the
    /// head, or after the newest chunk the table holds below it, or (instant selectors) the
    /// head has a sample at or before the first evaluation time, so the newest one is there.
    private nonisolated func headCovers(_ s: MemSeries, _ hints: SelectHints) -> Bool {
        if mint >= s.headMint || mint > s.storedMaxt { return true }
        if let first = hints.instantFrom, s.headMint <= first { return true }
        return false
    }

    private nonisolated func headCovers(_ ref: UInt64, _ hints: SelectHints) -> Bool {
        guard let s = head[ref] else { return true }
        return headCovers(s, hints)
    }

    nonisolated func select(matchers: [Matcher]) async throws -> SeriesSet {
        try await select(matchers: matchers, hints: SelectHints())
    }

    nonisolated func select(matchers: [Matcher], hints: SelectHints) async throws -> SeriesSet {
        try checkOpen()
        return try await read(refs: head.postings.refs(matching: matchers), hints: hints)
    }

    /// The series `refs` with their chunks in [mint, maxt], sorted by labels: from the head on
    /// the caller's thread when it holds all they need, else through the table on this queue.
    private nonisolated func read(refs: [UInt64], hints: SelectHints = SelectHints()) async throws -> SeriesSet {
        guard mint <= maxt else { return SeriesSet() }
        if refs.allSatisfy({ headCovers($0, hints) }) { return headOnly(refs: refs) }
        return try await load(refs: refs, hints: hints)
    }

    /// `load` when no series needs the table.
    private nonisolated func headOnly(refs: [UInt64]) -> SeriesSet {
        var out: [Series] = []
        out.reserveCapacity(refs.count)
        for ref in refs {
            guard let s = head[ref] else { continue }
            let chunks = s.chunks(mint: mint, maxt: maxt)
            if chunks.isEmpty { continue }
            out.append(Series(labels: s.labels, chunks: chunks, mint: mint, maxt: maxt, ref: SeriesRef(ref)))
        }
        return SeriesSet(series: Self.sortedByLabels(out))
    }

    /// Refs of the matching series in label order (no samples read).
    nonisolated func sortedRefs(matching matchers: [Matcher]) throws -> [UInt64] {
        try checkOpen()
        let refs = head.postings.refs(matching: matchers).filter { head[$0] != nil }
        return refs.sorted { head[$0]!.labels < head[$1]!.labels }
    }

    /// `read` for refs some of which need the table.
    private func load(refs: [UInt64], hints: SelectHints) async throws -> SeriesSet {
        let db = try await connection()
        var out: [Series] = []
        var warnings: [String] = []
        // The chunk holding `mint` starts at or before it: the newest chunk starting <= mint,
        // then every chunk starting in (mint, maxt], and never the head's own range.
        let q = try db.prepared("""
            SELECT mint, maxt, crc, data FROM chunks
            WHERE series_id = ?1 AND mint <= ?3 AND mint < ?4 AND mint >= coalesce(
              (SELECT max(mint) FROM chunks WHERE series_id = ?1 AND mint <= ?2), ?2)
            ORDER BY mint
            """)
        for ref in refs {
            guard let s = head[ref] else { continue }
            let headMint = s.headMint
            var chunks: [ChunkData] = []
            if !headCovers(s, hints) {
                try q.bind(1, Int64(ref))
                try q.bind(2, mint)
                try q.bind(3, maxt)
                try q.bind(4, headMint)
                while try q.step() {
                    let cmint = q.int64(0), cmaxt = q.int64(1)
                    if cmaxt < mint { continue }
                    let data = q.blob(3)
                    guard UInt32(truncatingIfNeeded: q.int64(2)) == CRC32C.checksum(data) else {
                        report.chunk(series: ref, labels: s.labels, mint: cmint, maxt: cmaxt, path: db.path, found: "query")
                        warnings.append("corrupt chunk skipped: series \(s.labels) chunk starting at \(cmint) fails its checksum")
                        continue
                    }
                    chunks.append(ChunkData(bytes: data, mint: cmint, maxt: cmaxt))
                }
                q.reset()
            }
            chunks += s.chunks(mint: mint, maxt: maxt)
            if chunks.isEmpty { continue }
            out.append(Series(labels: s.labels, chunks: chunks, mint: mint, maxt: maxt, ref: SeriesRef(ref)))
        }
        return SeriesSet(series: Self.sortedByLabels(out), warnings: warnings)
    }

    /// `series` in label order. Sorts indices, not the series (each move of a `Series` retains
    /// and releases four buffers: a profiled hot spot of every query), and skips the permutation
    /// when the refs came in label order already (`sortedRefs`).
    static func sortedByLabels(_ series: [Series]) -> [Series] {
        guard series.count > 1 else { return series }
        let labels = series.map(\.labels)
        if zip(labels, labels.dropFirst()).allSatisfy({ $0 < $1 }) { return series }
        var order = Array(labels.indices)
        order.sort { labels[$0] < labels[$1] }
        return order.map { series[$0] }
    }

    /// Loads `batchSize` series at a time, so a large export holds one batch of chunks.
    nonisolated func forEachBatch(matchers: [Matcher], batchSize: Int, _ body: (SeriesSet) async throws -> Void) async throws {
        let refs = try sortedRefs(matching: matchers)
        var i = 0
        while i < refs.count {
            let batch = Array(refs[i..<min(i + max(1, batchSize), refs.count)])
            i += batch.count
            let set = try await read(refs: batch)
            if !set.isEmpty || !set.warnings.isEmpty { try await body(set) }
        }
    }

    /// A series counts when its head span `[headMint, lastT]` overlaps the range, or else when
    /// a stored chunk does (one indexed look-up, no blob read, nothing decoded).
    nonisolated func seriesLabels(matchers: [Matcher]) async throws -> (labels: [Labels], warnings: [String]) {
        try checkOpen()
        guard mint <= maxt else { return ([], []) }
        var out: [Labels] = []
        var unsure: [UInt64] = []
        for ref in head.postings.refs(matching: matchers) {
            guard let s = head[ref] else { continue }
            if s.hasSample, s.headMint <= maxt, s.lastT >= mint {
                out.append(s.labels)
            } else if !headCovers(s, SelectHints()) {
                unsure.append(ref)  // only the table can tell
            }
        }
        if !unsure.isEmpty { out += try await storedSeriesLabels(unsure) }
        out.sort()
        return (out, [])
    }

    /// The labels of those `refs` that have a chunk in the table overlapping [mint, maxt].
    private func storedSeriesLabels(_ refs: [UInt64]) async throws -> [Labels] {
        let db = try await connection()
        let q = try db.prepared("SELECT 1 FROM chunks WHERE series_id = ?1 AND mint <= ?3 AND maxt >= ?2 LIMIT 1")
        var out: [Labels] = []
        for ref in refs {
            guard let s = head[ref] else { continue }
            try q.bind(1, Int64(ref))
            try q.bind(2, mint)
            try q.bind(3, maxt)
            if try q.step() { out.append(s.labels) }
            q.reset()
        }
        return out
    }

    nonisolated func labelNames(matchers: [Matcher]) throws -> [String] {
        try checkOpen()
        if matchers.isEmpty { return head.postings.labelNames }
        var names = Set<String>()
        for ref in head.postings.refs(matching: matchers) {
            for l in head[ref]?.labels.pairs ?? [] { names.insert(l.name) }
        }
        return names.sorted()
    }

    nonisolated func labelValues(name: String, matchers: [Matcher]) throws -> [String] {
        try checkOpen()
        if matchers.isEmpty { return head.postings.values(of: name) }
        var values = Set<String>()
        for ref in head.postings.refs(matching: matchers) {
            if let v = head[ref]?.labels[name] { values.insert(v) }
        }
        return values.sorted()
    }

    /// Returns at once: a connection, if one was taken, goes back to the pool in the background
    /// (its read transaction ends there), so closing never costs the caller a thread hop.
    nonisolated func close() async {
        closed.store(true, ordering: .releasing)
        if holdsConnection.load(ordering: .acquiring) { Task { await releaseConnection() } }
    }

    private func releaseConnection() {
        guard let b = box else { return }
        box = nil
        pool.giveBack(b)  // on this querier's queue: no hop to the pool's
    }
}
