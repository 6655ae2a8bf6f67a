public import Model

/// A consistent read view of an `SQLiteStorage`: a frozen copy of the head plus a read
/// transaction on its own connection, both taken at the same instant. An actor on its own
/// serial queue, so its SQLite reads block neither the cooperative pool nor the writer.
actor SQLiteQuerier: Querier {
    private let executor = SerialQueueExecutor(label: "lantern.sqlite.querier")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var box: ConnectionBox?
    private let head: Head
    private let mint: Timestamp
    private let maxt: Timestamp
    private let pool: ReaderPool
    private let metrics: StorageMetrics
    private let report: CorruptionReport

    init(box: ConnectionBox, head: Head, mint: Timestamp, maxt: Timestamp, pool: ReaderPool, metrics: StorageMetrics, report: CorruptionReport) {
        self.report = report
        self.box = box
        self.head = head
        self.mint = mint
        self.maxt = maxt
        self.pool = pool
        self.metrics = metrics
    }

    func select(matchers: [Matcher]) throws -> SeriesSet {
        try load(refs: head.postings.refs(matching: matchers))
    }

    /// Refs of the matching series in label order (no samples read).
    func sortedRefs(matching matchers: [Matcher]) throws -> [UInt64] {
        guard box != nil else { throw StorageError.closed("querier") }
        let refs = head.postings.refs(matching: matchers).filter { head[$0] != nil }
        return refs.sorted { head[$0]!.labels < head[$1]!.labels }
    }

    /// The series `refs` with their chunks in [mint, maxt], sorted by labels.
    func load(refs: [UInt64]) throws -> SeriesSet {
        guard let db = box?.connection else { throw StorageError.closed("querier") }
        var out: [Series] = []
        var warnings: [String] = []
        guard mint <= maxt else { return SeriesSet() }
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
            if mint < headMint {
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
        let refs = try await sortedRefs(matching: matchers)
        var i = 0
        while i < refs.count {
            let batch = Array(refs[i..<min(i + max(1, batchSize), refs.count)])
            i += batch.count
            let set = try await load(refs: batch)
            if !set.isEmpty || !set.warnings.isEmpty { try await body(set) }
        }
    }

    /// A series counts when its head span `[headMint, lastT]` overlaps the range, or else when
    /// a stored chunk does (one indexed look-up, no blob read, nothing decoded).
    func seriesLabels(matchers: [Matcher]) throws -> (labels: [Labels], warnings: [String]) {
        guard let db = box?.connection else { throw StorageError.closed("querier") }
        guard mint <= maxt else { return ([], []) }
        let q = try db.prepared("SELECT 1 FROM chunks WHERE series_id = ?1 AND mint <= ?3 AND maxt >= ?2 LIMIT 1")
        var out: [Labels] = []
        for ref in head.postings.refs(matching: matchers) {
            guard let s = head[ref] else { continue }
            if s.hasSample, s.headMint <= maxt, s.lastT >= mint {
                out.append(s.labels)
                continue
            }
            try q.bind(1, Int64(ref))
            try q.bind(2, mint)
            try q.bind(3, maxt)
            if try q.step() { out.append(s.labels) }
            q.reset()
        }
        out.sort()
        return (out, [])
    }

    func labelNames(matchers: [Matcher]) throws -> [String] {
        guard box != nil else { throw StorageError.closed("querier") }
        if matchers.isEmpty { return head.postings.labelNames }
        var names = Set<String>()
        for ref in head.postings.refs(matching: matchers) {
            for l in head[ref]?.labels.pairs ?? [] { names.insert(l.name) }
        }
        return names.sorted()
    }

    func labelValues(name: String, matchers: [Matcher]) throws -> [String] {
        guard box != nil else { throw StorageError.closed("querier") }
        if matchers.isEmpty { return head.postings.values(of: name) }
        var values = Set<String>()
        for ref in head.postings.refs(matching: matchers) {
            if let v = head[ref]?.labels[name] { values.insert(v) }
        }
        return values.sorted()
    }

    func close() async {
        guard let b = box else { return }
        box = nil
        await pool.release(b)
    }
}
