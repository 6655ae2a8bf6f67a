public import Model
public import Logging

/// Lantern's embedded time-series database: one SQLite file holding series, Gorilla-style
/// chunks and write-ahead records (see DESIGN.md "Storage model"), with the newest samples
/// of every series in an in-memory head. The one `Storage` the server writes to.
///
/// ```swift
/// var options = StorageOptions()
/// options.retention = .seconds(7 * 86_400)
/// let storage = try await SQLiteStorage.open(path: "data/lantern.db", options: options, logger: logger)
/// var app = storage.appender()
/// let ref = try app.append(nil, Labels(("__name__", "up")), at: .now(), value: 1)
/// try await app.commit()
/// let q = try await storage.querier(mint: 0, maxt: .max)
/// let set = try await q.select(matchers: [try Matcher(.equal, "__name__", "up")])
/// await q.close()
/// try await storage.close()
/// ```
///
/// Thread-safety: share one instance; every method may be called from any task.
public final class SQLiteStorage: Storage, Sendable {
    /// nil for a read-only storage.
    let writer: SQLiteWriter?
    let index: SeriesIndex
    let metrics: StorageMetrics
    let readers: ReaderPool
    let report: CorruptionReport
    /// The background check of every chunk's checksum after a read-write open.
    private let scrub: Task<Void, Never>?
    /// The head as loaded at open, for a read-only storage.
    private let frozenHead: Head?
    private let maintenance: Task<Void, Never>?
    public let path: String

    private init(path: String, writer: SQLiteWriter?, index: SeriesIndex, metrics: StorageMetrics, report: CorruptionReport, frozenHead: Head?, maintenanceInterval: Duration?, scrubChunks: Bool) {
        self.path = path
        self.writer = writer
        self.index = index
        self.metrics = metrics
        self.report = report
        self.frozenHead = frozenHead
        let readers = ReaderPool(path: path)
        self.readers = readers
        if scrubChunks {
            let scrubber = ChunkScrubber(pool: readers, index: index, report: report)
            scrub = Task.detached(priority: .utility) {
                do { try await scrubber.run() } catch { if !Task.isCancelled { report.scrubFailed(path: path, error) } }
            }
        } else {
            scrub = nil
        }
        if let writer, let interval = maintenanceInterval {
            maintenance = Task.detached { [writer] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    try? await writer.maintain()
                }
            }
        } else {
            maintenance = nil
        }
    }

    /// Opens the database at `path` for reading and writing, creating it if missing,
    /// migrating its schema and rebuilding the head (replaying write-ahead records).
    /// - Throws: `StorageError` when the file cannot be opened, is newer than this binary
    ///   (`isSchemaTooNew`), or its series table is unreadable.
    public static func open(path: String, options: StorageOptions = StorageOptions(), logger: Logger = Logger(label: "lantern.storage")) async throws -> SQLiteStorage {
        var logger = logger
        logger[metadataKey: "component"] = "storage"
        let index = SeriesIndex()
        let metrics = StorageMetrics()
        let report = CorruptionReport(logger: logger, metrics: metrics)
        let writer = SQLiteWriter(path: path, options: options, index: index, metrics: metrics, report: report, logger: logger)
        try await writer.open()
        try? await writer.applyRetention()
        return SQLiteStorage(path: path, writer: writer, index: index, metrics: metrics, report: report, frozenHead: nil,
                             maintenanceInterval: options.maintenanceInterval, scrubChunks: options.scrubChunksAtOpen)
    }

    /// Opens an existing database read-only, e.g. for `lantern export` while `lantern serve`
    /// keeps writing it. Sees everything committed before this call (chunks plus a replay of
    /// the write-ahead records); later commits are not visible (open again to refresh).
    /// Appenders fail with `AppendError.closed`.
    /// - Throws: `StorageError` when the file is missing, unmigrated or newer than this binary.
    public static func openReadOnly(path: String, logger: Logger = Logger(label: "lantern.storage")) async throws -> SQLiteStorage {
        let index = SeriesIndex()
        let metrics = StorageMetrics()
        let report = CorruptionReport(logger: logger, metrics: metrics)
        let pool = ReaderPool(path: path, maxIdle: 1)
        let box = try await pool.acquire()
        let head = try await ReadOnlyLoader.load(box, index: index, metrics: metrics, report: report, logger: logger)
        await pool.release(box)
        return SQLiteStorage(path: path, writer: nil, index: index, metrics: metrics, report: report, frozenHead: head, maintenanceInterval: nil, scrubChunks: false)
    }

    public var isReadOnly: Bool { writer == nil }

    public func appender() -> any Appender { SQLiteAppender(storage: self) }

    /// A consistent snapshot over [mint, maxt]; close it when done.
    public func querier(mint: Timestamp, maxt: Timestamp) async throws -> any Querier {
        let head: Head
        if let writer {
            // Between two changes to the head, queriers share one copy (no hop to the writer).
            if let published = writer.publishedHead.current { head = published } else { head = try await writer.snapshot() }
        } else {
            head = frozenHead!
        }
        // The read transaction begins when a series first needs the table (see SQLiteQuerier).
        return SQLiteQuerier(head: head, mint: mint, maxt: maxt, pool: readers, metrics: metrics, report: report)
    }

    /// Without matchers, the names come from the head's in-memory index (no read transaction;
    /// no hop to the writer while no series were added since the last look-up); like the
    /// querier's answer, every series of the head counts.
    public func labelNames(matchers: [Matcher], mint: Timestamp, maxt: Timestamp) async throws -> [String] {
        if matchers.isEmpty, let writer {
            if let names = labelNamesInMemory() { return names }
            return try await writer.postingsForReaders().labelNames
        }
        return try await withQuerier(mint: mint, maxt: maxt) { try await $0.labelNames(matchers: matchers) }
    }

    /// From the head copy or label index last published (no hop); nil when neither is current.
    public func estimatedSeries(matching matchers: [Matcher]) -> Int? {
        guard let writer else { return frozenHead?.postings.refs(matching: matchers).count }
        if let head = writer.publishedHead.current { return head.postings.refs(matching: matchers).count }
        return writer.publishedPostings.current?.refs(matching: matchers).count
    }

    /// Without matchers, the values come from the head's in-memory index, as `labelNames` does.
    public func labelValues(name: String, matchers: [Matcher], mint: Timestamp, maxt: Timestamp) async throws -> [String] {
        if matchers.isEmpty, let writer {
            if let values = labelValuesInMemory(name: name) { return values }
            return try await writer.postingsForReaders().values(of: name)
        }
        return try await withQuerier(mint: mint, maxt: maxt) { try await $0.labelValues(name: name, matchers: matchers) }
    }

    /// From the label index the writer last published, if no series were added since.
    public func labelNamesInMemory() -> [String]? { writer?.publishedPostings.current?.labelNames }

    /// From the label index the writer last published, if no series were added since.
    public func labelValuesInMemory(name: String) -> [String]? { writer?.publishedPostings.current?.values(of: name) }

    /// Stops background maintenance, checkpoints the head (unless disabled in the options)
    /// and closes the file. Idempotent.
    public func close() async throws {
        maintenance?.cancel()
        scrub?.cancel()
        await scrub?.value
        await readers.close()
        try await writer?.close()
    }

    /// The storage's self-metrics (`lantern_tsdb_*`), for the server's /metrics page.
    public func collectMetrics() -> [StorageMetric] { metrics.collect() }

    /// Writes every head sample into the `chunks` table and deletes all write-ahead records
    /// (what maintenance does gradually). Used by benchmarks, tests and before backups.
    public func flushHead() async throws {
        guard let writer else { throw StorageError(.readOnly, "storage is read-only") }
        try await writer.flushHead()
    }

    /// Runs retention and one checkpoint step now (the background task does this every
    /// `maintenanceInterval`). Returns the number of chunks retention deleted.
    @discardableResult
    public func runMaintenance() async throws -> Int {
        guard let writer else { throw StorageError(.readOnly, "storage is read-only") }
        return try await writer.maintain()
    }

    /// Writes a consistent copy of the database to `file` (which must not exist), for the
    /// admin API's snapshot. `skipHead` leaves out samples not yet checkpointed into chunks.
    /// - Throws: `StorageError` when read-only, closed, or the copy cannot be written.
    public func snapshot(to file: String, skipHead: Bool) async throws {
        guard let writer else { throw StorageError(.readOnly, "storage is read-only") }
        try await writer.snapshot(to: file, skipHead: skipHead)
    }

    /// Deletes the samples in [mint, maxt] of the series matching any selector (each a list of
    /// matchers that must all match), for the admin API's `delete_series`.
    /// - Returns: how many series matched.
    /// - Throws: `StorageError` when read-only, closed, or the rewrite fails (nothing is deleted then).
    @discardableResult
    public func deleteSeries(matching selectors: [[Matcher]], mint: Timestamp, maxt: Timestamp) async throws -> Int {
        guard let writer else { throw StorageError(.readOnly, "storage is read-only") }
        return try await writer.deleteSeries(selectors, mint: mint, maxt: maxt)
    }

    /// Checks every stored chunk's checksum now (what the background scrub does once after
    /// open); damaged chunks are logged and counted once each. Returns (checked, corrupt).
    @discardableResult
    public func scrubChunks() async throws -> (checked: Int, corrupt: Int) {
        try await ChunkScrubber(pool: readers, index: index, report: report).run()
    }

    /// Bytes of the database file in use (pages not on the free list).
    public func sizeInUse() async throws -> Int64 {
        guard let writer else { throw StorageError(.readOnly, "storage is read-only") }
        return try await writer.sizeInUse()
    }
}

extension SQLiteWriter {
    /// Retention plus checkpoint progress; the background task's body.
    @discardableResult
    func maintain() throws -> Int {
        publishedHead.invalidate(dropping: true)
        let n = try applyRetention()
        try maintainCheckpoint()
        return n
    }
}
