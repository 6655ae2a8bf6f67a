/// Where the bytes of a database go, for capacity planning and the benchmark's
/// bytes-per-sample figures.
public struct DiskUsage: Sendable {
    /// Sum of chunk blob sizes (compressed samples only).
    public let chunkBytes: Int64
    public let chunks: Int64
    /// Chunks stored in the packed decimal encoding (the rest are XOR).
    public let packedChunks: Int64
    /// Sum of write-ahead record blob sizes.
    public let walRecordBytes: Int64
    public let series: Int64
    /// Pages in use times page size: tables, indexes and B-tree overhead.
    public let pagesInUseBytes: Int64
}

extension SQLiteWriter {
    func diskUsage() throws -> DiskUsage {
        guard let db else { throw StorageError.closed() }
        func scalar(_ sql: String) throws -> Int64 {
            let q = try db.prepared(sql)
            defer { q.reset() }
            return try q.step() ? q.int64(0) : 0
        }
        return DiskUsage(
            chunkBytes: try scalar("SELECT coalesce(sum(length(data)), 0) FROM chunks"),
            chunks: try scalar("SELECT count(*) FROM chunks"),
            packedChunks: try scalar("SELECT count(*) FROM chunks WHERE substr(data, 1, 1) = x'01'"),
            walRecordBytes: try scalar("SELECT coalesce(sum(length(data)), 0) FROM wal"),
            series: try scalar("SELECT count(*) FROM series"),
            pagesInUseBytes: try sizeInUse()
        )
    }
}

extension SQLiteStorage {
    /// A breakdown of the file's contents (scans the tables: for tools, not hot paths).
    public func diskUsage() async throws -> DiskUsage {
        guard let writer else { throw StorageError(.readOnly, "storage is read-only") }
        return try await writer.diskUsage()
    }
}
