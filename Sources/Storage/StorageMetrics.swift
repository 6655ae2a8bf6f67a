public import Model
import Synchronization

/// One self-metric of the storage, ready to be rendered in the exposition format by the
/// server's /metrics handler (which owns rendering; the storage only reports values).
public struct StorageMetric: Sendable, Equatable {
    /// Prometheus metric types used here.
    public enum Kind: String, Sendable { case counter, gauge }
    public let name: String
    public let help: String
    public let type: Kind
    public let labels: Labels
    public let value: Double
}

/// The storage's counters and gauges (`lantern_tsdb_*`). Atomics, because appenders on
/// many tasks bump the rejection counters without going through the writer actor.
final class StorageMetrics: Sendable {
    let samplesAppended = Atomic<Int>(0)
    let outOfOrder = Atomic<Int>(0)
    let duplicates = Atomic<Int>(0)
    let invalidLabels = Atomic<Int>(0)
    let commits = Atomic<Int>(0)
    let commitFailures = Atomic<Int>(0)
    let rollbacks = Atomic<Int>(0)
    let chunksWritten = Atomic<Int>(0)
    let checkpoints = Atomic<Int>(0)
    let walCorruptions = Atomic<Int>(0)
    let chunkCorruptions = Atomic<Int>(0)
    let seriesCorruptions = Atomic<Int>(0)
    let retentionDeletedChunks = Atomic<Int>(0)
    let replayedSamples = Atomic<Int>(0)
    let headSeries = Atomic<Int>(0)
    let headChunks = Atomic<Int>(0)
    let walBytes = Atomic<Int>(0)
    let walRecords = Atomic<Int>(0)
    let fileBytes = Atomic<Int>(0)
    let seriesCreated = Atomic<Int>(0)
    let outOfSpace = Atomic<Int>(0)

    @inline(__always) static func add(_ a: borrowing Atomic<Int>, _ n: Int = 1) {
        a.wrappingAdd(n, ordering: .relaxed)
    }

    @inline(__always) static func set(_ a: borrowing Atomic<Int>, _ n: Int) {
        a.store(n, ordering: .relaxed)
    }

    func collect() -> [StorageMetric] {
        func m(_ name: String, _ help: String, _ type: StorageMetric.Kind, _ a: borrowing Atomic<Int>) -> StorageMetric {
            StorageMetric(name: name, help: help, type: type, labels: .empty, value: Double(a.load(ordering: .relaxed)))
        }
        return [
            m("lantern_tsdb_head_series", "Series in the head.", .gauge, headSeries),
            m("lantern_tsdb_head_series_created_total", "Series created in the head.", .counter, seriesCreated),
            m("lantern_tsdb_head_chunks", "Open and not yet flushed chunks in the head.", .gauge, headChunks),
            m("lantern_tsdb_head_samples_appended_total", "Samples committed.", .counter, samplesAppended),
            m("lantern_tsdb_out_of_order_samples_total", "Samples rejected as older than their series' newest.", .counter, outOfOrder),
            m("lantern_tsdb_duplicate_samples_total", "Samples rejected for a different value at an existing timestamp.", .counter, duplicates),
            m("lantern_tsdb_invalid_label_samples_total", "Samples rejected for invalid labels.", .counter, invalidLabels),
            m("lantern_tsdb_commits_total", "Committed appenders.", .counter, commits),
            m("lantern_tsdb_commit_failures_total", "Commits that failed and wrote nothing.", .counter, commitFailures),
            m("lantern_tsdb_out_of_space", "1 while the last commit failed because the disk is full (samples are being dropped).", .gauge, outOfSpace),
            m("lantern_tsdb_rollbacks_total", "Rolled back appenders.", .counter, rollbacks),
            m("lantern_tsdb_chunks_written_total", "Chunks written to the chunks table (full and checkpointed partial).", .counter, chunksWritten),
            m("lantern_tsdb_checkpoints_total", "Completed head checkpoints (write-ahead records truncated).", .counter, checkpoints),
            m("lantern_tsdb_wal_size_bytes", "Bytes of write-ahead records not yet truncated.", .gauge, walBytes),
            m("lantern_tsdb_wal_records", "Write-ahead records not yet truncated.", .gauge, walRecords),
            m("lantern_tsdb_wal_corruptions_total", "Write-ahead records skipped for a bad checksum or encoding.", .counter, walCorruptions),
            m("lantern_tsdb_chunk_corruptions_total", "Chunks skipped for a bad checksum or encoding.", .counter, chunkCorruptions),
            m("lantern_tsdb_series_corruptions_total", "Series rows skipped at open because their labels do not decode.", .counter, seriesCorruptions),
            m("lantern_tsdb_wal_replayed_samples_total", "Samples replayed from write-ahead records at open.", .counter, replayedSamples),
            m("lantern_tsdb_retention_deleted_chunks_total", "Chunks deleted by time or size retention.", .counter, retentionDeletedChunks),
            m("lantern_tsdb_storage_size_bytes", "Bytes used by the database file (pages in use plus the SQLite WAL).", .gauge, fileBytes),
        ]
    }
}
