import Logging

/// Loads the head of a database another process may be writing, inside one read
/// transaction, on the reader pool's queue.
extension ReaderPool {
    func loadHead(_ box: ConnectionBox, index: SeriesIndex, metrics: StorageMetrics, report: CorruptionReport, logger: Logger) throws -> Head {
        let db = box.connection
        do {
            try Schema.verify(db)
            try ReadSnapshot.begin(db)
            defer { db.rollbackQuietly() }
            return try HeadLoader(db: db, index: index, metrics: metrics, logger: logger, report: report).load().head
        } catch {
            throw StorageError.io("cannot open \(db.path) read-only", error)
        }
    }
}

/// Entry points used by `SQLiteStorage.openReadOnly`.
enum ReadOnlyLoader {
    static func load(_ box: ConnectionBox, index: SeriesIndex, metrics: StorageMetrics, report: CorruptionReport, logger: Logger) async throws -> Head {
        let pool = ReaderPool(path: box.connection.path, maxIdle: 0)
        return try await pool.loadHead(box, index: index, metrics: metrics, report: report, logger: logger)
    }
}
