/// Deleting old data: whole chunks, by age and by total size (Prometheus's time and size
/// retention), never single samples.
extension SQLiteWriter {
    /// Applies time then size retention; returns the number of chunks deleted.
    @discardableResult
    func applyRetention() throws -> Int {
        guard let db else { throw StorageError.closed() }
        var deleted = 0
        do {
            if let r = options.retentionMillis, head.maxTime != .min {
                let cutoff = head.maxTime &- r
                let del = try db.prepared("DELETE FROM chunks WHERE maxt < ?1")
                try del.bind(1, cutoff)
                try del.run()
                deleted += db.changes
                dropHeadChunks(olderThan: cutoff)
            }
            if let maxBytes = options.maxBytes {
                var rounds = 0
                while try sizeInUse() > maxBytes, rounds < 1000 {
                    let del = try db.prepared("""
                        DELETE FROM chunks WHERE (series_id, mint) IN
                          (SELECT series_id, mint FROM chunks ORDER BY maxt LIMIT ?1)
                        """)
                    try del.bind(1, 64)
                    try del.run()
                    let n = db.changes
                    if n == 0 { break }
                    deleted += n
                    rounds += 1
                }
            }
            if deleted > 0 { try db.execute("PRAGMA incremental_vacuum") }
            StorageMetrics.set(metrics.fileBytes, Int(try sizeInUse()))
        } catch {
            throw StorageError.io("retention on \(path)", error)
        }
        StorageMetrics.add(metrics.retentionDeletedChunks, deleted)
        return deleted
    }

    /// Drops head chunks entirely older than the cutoff (series idle for the whole
    /// retention); the series keeps its last timestamp for out-of-order checks.
    private func dropHeadChunks(olderThan cutoff: Int64) {
        for i in head.series.indices {
            guard let s = head.series[i] else { continue }
            if !s.closed.isEmpty, s.closed.contains(where: { $0.maxt < cutoff }) {
                head.series[i]!.closed.removeAll { $0.maxt < cutoff }
            }
            if !s.open.isEmpty, s.open.maxt < cutoff {
                head.series[i]!.open = XORAppender()
                head.series[i]!.persistedCount = 0
            }
        }
    }
}
