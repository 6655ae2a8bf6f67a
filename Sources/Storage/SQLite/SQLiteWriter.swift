public import Model
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The one write connection and the head it keeps in step with the file. An actor on a
/// serial DispatchQueue (STYLE §4): every `sqlite3_*` call and every head mutation happens
/// here, one job at a time, so a commit is atomic with respect to snapshots.
///
/// Commit protocol: validate against the head (no mutation), write one transaction
/// (chunks cut by earlier commits, new series rows, the write-ahead record, a slice of a
/// running checkpoint), and only when COMMIT succeeded apply the samples to the head. A
/// failed commit therefore leaves neither the file nor the head changed.
actor SQLiteWriter {
    private let executor = SerialQueueExecutor(label: "lantern.sqlite.writer")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let path: String
    let options: StorageOptions
    let index: SeriesIndex
    /// The label index as readers last got it (see `postingsForReaders`).
    nonisolated let publishedPostings = PublishedCopy<Postings>()
    /// The head as last copied for a querier, current until the head changes.
    nonisolated let publishedHead = PublishedCopy<Head>()
    let metrics: StorageMetrics
    let report: CorruptionReport
    let logger: Logger
    /// Failed commits since the last successful one, and when one was last logged: a full
    /// disk fails every scrape's commit, and the log gets one line per `failureLogInterval`.
    private var failedCommits = 0
    private var lastFailureLog: ContinuousClock.Instant?
    static let failureLogInterval: Duration = .seconds(10)

    var db: Connection?
    /// Every method that changes it starts with `publishedHead.invalidate(dropping: true)`
    /// (methods run one at a time and never suspend: no copy is published between the two).
    var head = Head()
    /// The `symbols` table as a map (string → id), continued by new series.
    private var symbolIDs: [String: UInt64] = [:]
    private var newSymbols: [String] = []
    private var epoch: UInt32 = 0
    private var wal = RecordCodec.WALWriter(capacity: 1 << 16)
    private var accepted: [Int] = []
    private var newSeries: [UInt64] = []
    /// The newest write-ahead record's seq.
    var lastSeq: Int64 = 0
    /// Sizes of the records still in the table, oldest first (for the WAL size metric).
    var walSizes: [(seq: Int64, bytes: Int)] = []
    var walBytes = 0
    /// A checkpoint in progress: every record up to `upToSeq` can go once `cursor` has
    /// walked the whole series array.
    var pass: CheckpointPass?
    /// Set during `flushHead`: partial chunks are written packed when they pack.
    var packPartialChunks = false

    struct CheckpointPass {
        let upToSeq: Int64
        var cursor: Int
    }

    init(path: String, options: StorageOptions, index: SeriesIndex, metrics: StorageMetrics, report: CorruptionReport, logger: Logger) {
        self.report = report
        self.path = path
        self.options = options
        self.index = index
        self.metrics = metrics
        self.logger = logger
    }

    /// Opens (creating if needed) the file, migrates it and loads the head.
    func open() throws {
        publishedHead.invalidate(dropping: true)
        let db: Connection
        do {
            db = try Connection(path: path, mode: .readWrite)
            // auto_vacuum only takes effect on a new file, and only before journal_mode = WAL
            // writes the first page; with it, deleted write-ahead records can give pages back.
            if try db.pragmaInt("user_version") == 0, try db.pragmaInt("page_count") == 0 {
                try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            }
            try db.execute("PRAGMA journal_mode = WAL")
            // See StorageOptions.Synchronous: NORMAL survives kill -9, FULL also power loss.
            try db.execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
            try db.execute("PRAGMA temp_store = MEMORY")
            try Schema.migrate(db)
        } catch {
            throw StorageError.io("cannot open storage at \(path)", error)
        }
        do {
            let loaded = try HeadLoader(db: db, index: index, metrics: metrics, logger: logger, report: report).load()
            head = loaded.head
            symbolIDs = Dictionary(uniqueKeysWithValues: loaded.symbols.enumerated().map { ($0.element, UInt64($0.offset)) })
            head.packChunks = options.packedChunks
            head.keepWindow = options.headKeepMillis
            lastSeq = loaded.lastSeq
            walSizes = loaded.walSizes
            walBytes = walSizes.reduce(0) { $0 + $1.bytes }
        } catch {
            throw StorageError.io("cannot load head from \(path)", error)
        }
        self.db = db
        Self.releaseFreedMemory()
        publishGauges()
        logger.info("storage opened", metadata: [
            "path": "\(path)", "series": "\(head.seriesCount)", "wal_records": "\(walSizes.count)",
        ])
    }

    /// Loading frees as much as it keeps (decoded label arrays, chunk blobs read from SQLite)
    /// interleaved with the head's allocations; glibc keeps those holes resident until told.
    /// One `malloc_trim` after load returns them, which is most of the gap between the RSS
    /// after open and the head's live size.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        // malloc.h is not in the Glibc module; look the function up (absent on musl: no-op).
        typealias Trim = @convention(c) (Int) -> Int32
        if let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(sym, to: Trim.self)(0)
        }
        #endif
    }

    /// Makes a batch durable; see the type's comment for the protocol.
    func commit(_ b: AppendBatch) throws {
        guard let db else { throw StorageError.closed() }
        publishedHead.invalidate(dropping: true)
        nextEpoch()
        wal.reset()
        accepted.removeAll(keepingCapacity: true)
        newSeries.removeAll(keepingCapacity: true)
        newSymbols.removeAll(keepingCapacity: true)
        validate(b)
        let needsCheckpointStep = pass != nil
        if accepted.isEmpty && head.seriesWithClosedChunks.isEmpty && !needsCheckpointStep { return }

        var upserts: [(ref: UInt64, count: UInt16)] = []
        var sliceEnd = 0
        var record: [UInt8] = []
        do {
            try db.inTransaction {
                try flushClosedChunks(db)
                if !newSeries.isEmpty { try insertSeries(db) }
                if wal.count > 0 {
                    record = wal.finish()
                    let ins = try db.prepared("INSERT INTO wal (seq, crc, data) VALUES (?1, ?2, ?3)")
                    try ins.bind(1, lastSeq + 1)
                    try ins.bind(2, Int64(CRC32C.checksum(record)))
                    try ins.bind(3, record)
                    try ins.run()
                }
                if needsCheckpointStep {
                    sliceEnd = try checkpointSlice(db, upserts: &upserts)
                }
            }
        } catch {
            for ref in newSeries { head.remove(ref, fromPostings: false) }
            for sym in newSymbols { symbolIDs[sym] = nil }
            let failure = StorageError.io("commit of \(b.count) samples to \(path)", error)
            commitFailed(failure)
            throw failure
        }
        if failedCommits > 0 { commitsRecovered() }
        didFlushClosedChunks()
        if needsCheckpointStep { finishSlice(upserts: upserts, end: sliceEnd) }
        apply(b, walRecordBytes: record.count)
    }

    /// Counts and (rate-limited) logs a failed commit. Nothing of it reached the file or the
    /// head, so the next commit simply tries again: when a full disk gets space back,
    /// ingestion resumes by itself.
    private func commitFailed(_ error: StorageError) {
        StorageMetrics.add(metrics.commitFailures)
        StorageMetrics.set(metrics.outOfSpace, error.isOutOfSpace ? 1 : 0)
        failedCommits += 1
        let now = ContinuousClock.now
        if let last = lastFailureLog, now - last < Self.failureLogInterval { return }
        lastFailureLog = now
        // Warning although Storage is a library (STYLE §6): samples are being dropped.
        logger.warning(error.isOutOfSpace ? "storage is out of disk space: commits fail and their samples are dropped until space returns"
                                           : "commits fail: their samples are dropped", metadata: [
            "path": "\(path)", "failed_commits": "\(failedCommits)", "err": "\(error)",
        ])
    }

    private func commitsRecovered() {
        logger.info("commits succeed again", metadata: ["path": "\(path)", "failed_commits": "\(failedCommits)"])
        failedCommits = 0
        lastFailureLog = nil
        StorageMetrics.set(metrics.outOfSpace, 0)
    }

    /// A new commit number; on wrap-around every series' scratch is cleared first, so an old
    /// commit's number can never pass for the current one.
    private func nextEpoch() {
        epoch &+= 1
        guard epoch == 0 else { return }
        for i in head.series.indices where head.series[i] != nil { head.series[i]!.batchEpoch = 0 }
        epoch = 1
    }

    /// Inserts the rows of the batch's new series, and the symbols they add.
    private func insertSeries(_ db: Connection) throws {
        let ins = try db.prepared("INSERT INTO series (id, labels) VALUES (?1, ?2)")
        for ref in newSeries {
            let row = RecordCodec.encode(head[ref]!.labels) { s in
                if let id = symbolIDs[s] { return id }
                let id = UInt64(symbolIDs.count)
                symbolIDs[s] = id
                newSymbols.append(s)
                return id
            }
            try ins.bind(1, Int64(ref))
            try ins.bind(2, row)
            try ins.run()
        }
        guard !newSymbols.isEmpty else { return }
        let sym = try db.prepared("INSERT INTO symbols (id, value) VALUES (?1, ?2)")
        for s in newSymbols {
            try sym.bind(1, Int64(symbolIDs[s]!))
            try sym.bind(2, s)
            try sym.run()
        }
    }

    /// Decides, for each sample, accept / silent no-op / reject, without touching the head's
    /// chunks; fills `accepted`, `newSeries` and the write-ahead record.
    private func validate(_ b: AppendBatch) {
        var outOfOrder = 0, duplicates = 0
        for i in 0..<b.count {
            let ref = b.refs[i]
            if !head.contains(ref) {
                guard let labels = index.labels(of: ref) else { continue }  // not a ref we issued
                head.insert(ref, MemSeries(labels: labels))
                newSeries.append(ref)
            }
            let idx = Int(ref), t = b.ts[i], bits = b.bits[i]
            let inBatch = head.series[idx]!.batchEpoch == epoch
            let has = inBatch || head.series[idx]!.hasSample
            if has {
                let lastT = inBatch ? head.series[idx]!.batchT : head.series[idx]!.lastT
                if t < lastT { outOfOrder += 1; continue }
                if t == lastT {
                    let lastBits = inBatch ? head.series[idx]!.batchBits : head.series[idx]!.lastBits
                    if lastBits != bits { duplicates += 1 }
                    continue
                }
            }
            head.series[idx]!.batchEpoch = epoch
            head.series[idx]!.batchT = t
            head.series[idx]!.batchBits = bits
            let hint = head.series[idx]!.open.writeHint  // `apply` writes there after COMMIT
            hint.prefetch()
            accepted.append(i)
            wal.append(ref: ref, t: t, bits: bits)
        }
        // Rare: another appender committed newer samples between this one's append and commit.
        if outOfOrder > 0 { StorageMetrics.add(metrics.outOfOrder, outOfOrder) }
        if duplicates > 0 { StorageMetrics.add(metrics.duplicates, duplicates) }
    }

    /// Applies a committed batch to the head and publishes it to appenders and metrics.
    private func apply(_ b: AppendBatch, walRecordBytes: Int) {
        for i in accepted {
            head.append(b.refs[i], t: b.ts[i], bits: b.bits[i])
        }
        for ref in newSeries { head.index(ref) }
        if !newSeries.isEmpty { publishedPostings.invalidate() }
        b.refs.withUnsafeBufferPointer { r in
            b.ts.withUnsafeBufferPointer { t in
                b.bits.withUnsafeBufferPointer { v in index.update(r, t, v) }
            }
        }
        if walRecordBytes > 0 {
            lastSeq += 1
            walSizes.append((lastSeq, walRecordBytes))
            walBytes += walRecordBytes
        }
        StorageMetrics.add(metrics.samplesAppended, accepted.count)
        StorageMetrics.add(metrics.commits)
        if !newSeries.isEmpty { StorageMetrics.add(metrics.seriesCreated, newSeries.count) }
        if pass == nil, walBytes > options.walCheckpointBytes {
            pass = CheckpointPass(upToSeq: lastSeq, cursor: 0)
        }
        publishGauges()
    }

    func publishGauges() {
        StorageMetrics.set(metrics.headSeries, head.seriesCount)
        StorageMetrics.set(metrics.walBytes, walBytes)
        StorageMetrics.set(metrics.walRecords, walSizes.count)
    }

    /// Hands a querier a frozen copy of the head (the querier begins its read transaction
    /// later, only if it needs the table: see SQLiteQuerier for why that stays consistent).
    func snapshot() throws -> Head {
        guard db != nil else { throw StorageError.closed() }
        head.postings.sortValues()
        publishedHead.publish(head)
        return head
    }

    /// The head's label index for the labels API, also published for the next readers.
    func postingsForReaders() throws -> Postings {
        guard db != nil else { throw StorageError.closed() }
        head.postings.sortValues()
        publishedPostings.publish(head.postings)
        return head.postings
    }

    /// Writes what is still only in memory (when configured) and closes the connection.
    func close() throws {
        publishedHead.invalidate(dropping: true)  // no querier after close: the copy must not outlive the file
        guard let db else { return }
        defer { self.db = nil }
        if options.checkpointOnClose {
            try flushHead()
            // The flush deleted the write-ahead records: give their pages back to the file
            // system (auto_vacuum is incremental), then fold SQLite's -wal into the file.
            _ = try? db.execute("PRAGMA incremental_vacuum")
            _ = try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        logger.info("storage closed", metadata: ["path": "\(path)"])
    }

    /// The database's size in use (pages not on the free list) plus SQLite's -wal file.
    func sizeInUse() throws -> Int64 {
        guard let db else { throw StorageError.closed() }
        let pageSize = try db.pragmaInt("page_size")
        let used = (try db.pragmaInt("page_count") - db.pragmaInt("freelist_count")) * pageSize
        return used
    }

    /// A package hook for tests: the head's chunk layout of one series.
    func headInfo(_ ref: UInt64) -> (open: Int, closed: Int, persisted: Int)? {
        head[ref].map { ($0.open.count, $0.closed.count, Int($0.persistedCount)) }
    }
}

/// Starting a read transaction that really pins a snapshot (a bare BEGIN takes none).
enum ReadSnapshot {
    static func begin(_ c: Connection) throws {
        c.rollbackQuietly()
        try c.execute("BEGIN")
        let q = try c.prepared("SELECT seq FROM wal ORDER BY seq DESC LIMIT 1")
        defer { q.reset() }
        _ = try q.step()
    }
}
