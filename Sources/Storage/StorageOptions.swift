/// How an `SQLiteStorage` keeps, syncs and maintains its data. The defaults match
/// Prometheus (15 days of retention, no size limit).
public struct StorageOptions: Sendable {
    /// SQLite's `synchronous` setting in WAL mode.
    public enum Synchronous: String, Sendable {
        /// A commit is written to the OS before `commit()` returns and survives `kill -9` of
        /// the process; an OS crash or power loss can lose the last commits (SQLite fsyncs
        /// only at checkpoints). Lantern's requirement is surviving process crashes.
        case normal = "NORMAL"
        /// Also fsyncs every commit: survives power loss, at the cost of one fsync per commit.
        case full = "FULL"
    }

    /// Chunks whose newest sample is older than the newest sample in the database minus
    /// this are deleted (nil: keep forever).
    public var retention: Duration? = .seconds(15 * 24 * 3600)
    /// Oldest chunks are deleted while the file exceeds this many bytes (nil: no limit).
    public var maxBytes: Int64?
    public var synchronous: Synchronous = .normal
    /// A head checkpoint (partial chunks into the table, write-ahead records deleted) starts
    /// when the write-ahead records exceed this many bytes.
    public var walCheckpointBytes: Int = 64 << 20
    /// Series flushed per step of a checkpoint; steps ride along with commits so no single
    /// commit pays for the whole head.
    public var checkpointSliceSeries: Int = 4096
    /// How often the background task applies retention and advances checkpoints (nil: only
    /// when `runMaintenance()` is called, as tests do).
    public var maintenanceInterval: Duration? = .seconds(60)
    /// Write all open chunks to the table at `close()`, so the next open replays nothing.
    public var checkpointOnClose = true
    /// After a read-write open, check every stored chunk's CRC-32C in the background and
    /// report damaged ones (series, time range) in the log and `lantern_tsdb_chunk_corruptions_total`.
    public var scrubChunksAtOpen = true
    /// Flushed chunks a series keeps in memory besides its open one: those ending within this
    /// span before its newest flushed chunk (which is always kept), so queries of the recent
    /// past (dashboards, rate windows) read memory, not the table. At a 1 s interval 15
    /// minutes is ~8 chunks (1–2 KB) per series; at 15 s, one. Prometheus keeps its whole
    /// head block (2–3 hours) addressable instead.
    public var headKeepWindow: Duration = .seconds(15 * 60)
    /// Store full chunks in the packed decimal encoding when it is smaller (a package hook:
    /// lantern-bench turns it off to measure plain XOR chunks on the same data).
    package var packedChunks = true

    public init() {}

    var retentionMillis: Int64? { retention.map(Self.millis) }
    var headKeepMillis: Int64 { Self.millis(headKeepWindow) }

    private static func millis(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}
