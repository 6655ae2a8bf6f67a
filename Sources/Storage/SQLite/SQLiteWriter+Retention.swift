/// Deleting old data: whole chunks, by age and by total size (Prometheus's time and size
/// retention), never single samples, oldest written first.
extension SQLiteWriter {
    /// Applies time then size retention; returns the number of chunks deleted.
    @discardableResult
    func applyRetention() throws -> Int {
        guard let db else { throw StorageError.closed() }
        publishedHead.invalidate(dropping: true)
        var deleted = 0
        do {
            if let r = options.retentionMillis, head.maxTime != .min {
                let cutoff = head.maxTime &- r
                deleted += try deleteExpiredChunks(db, before: cutoff)
                if head.oldestChunkMaxt < cutoff {  // else no head chunk can have expired
                    dropHeadChunks(olderThan: cutoff)
                    head.oldestChunkMaxt = cutoff
                }
            }
            if let maxBytes = options.maxBytes {
                deleted += try deleteOldestChunks(db, toFit: maxBytes)
            }
            if deleted > 0 { try db.execute("PRAGMA incremental_vacuum") }
            StorageMetrics.set(metrics.fileBytes, Int(try sizeInUse()))
        } catch {
            throw StorageError.io("retention on \(path)", error)
        }
        StorageMetrics.add(metrics.retentionDeletedChunks, deleted)
        return deleted
    }

    /// Deletes chunks in write (rowid) order up to the first one still inside retention.
    /// A chunk is written no earlier than its maxt (cut, or checkpointed while open), so this
    /// reads only the expired prefix of the table and needs no index on maxt. A chunk written
    /// late (a long-idle series' partial chunk, old timestamps on a new series) waits until
    /// the chunks written before it expire: retention keeps data longer, never shorter.
    private func deleteExpiredChunks(_ db: Connection, before cutoff: Int64) throws -> Int {
        let first = try db.prepared("SELECT id FROM chunks WHERE maxt >= ?1 ORDER BY id LIMIT 1")
        try first.bind(1, cutoff)
        let live: Int64? = try first.step() ? first.int64(0) : nil
        first.reset()
        let del: Statement
        if let live {
            del = try db.prepared("DELETE FROM chunks WHERE id < ?1")
            try del.bind(1, live)
        } else {
            del = try db.prepared("DELETE FROM chunks WHERE maxt < ?1")
            try del.bind(1, cutoff)
        }
        try del.run()
        return db.changes
    }

    /// Deletes the oldest chunks whose estimated share of the file covers the excess over
    /// `maxBytes`. B-tree pages free up only when emptied, so the file shrinks less than the
    /// rows deleted; later runs delete more if needed, and new chunks reuse the half-empty
    /// pages meanwhile, so the size converges to the limit instead of being cut exactly.
    private func deleteOldestChunks(_ db: Connection, toFit maxBytes: Int64) throws -> Int {
        let used = try sizeInUse()
        guard used > maxBytes else { return 0 }
        let count = try db.prepared("SELECT count(*) FROM chunks")
        defer { count.reset() }
        guard try count.step(), count.int64(0) > 0 else { return 0 }
        let chunks = count.int64(0)
        let perChunk = max(1, used / chunks)
        let k = min(chunks, (used - maxBytes + perChunk - 1) / perChunk)
        let del = try db.prepared("""
            DELETE FROM chunks WHERE id IN (SELECT id FROM chunks ORDER BY id LIMIT ?1)
            """)
        try del.bind(1, k)
        try del.run()
        return db.changes
    }

    /// Drops head chunks entirely older than the cutoff (series idle for the whole
    /// retention); the series keeps its last timestamp for out-of-order checks.
    private func dropHeadChunks(olderThan cutoff: Int64) {
        for i in head.series.indices {
            guard let s = head.series[i] else { continue }
            if let first = s.closed.first, first.maxt < cutoff { head.series[i]!.dropChunks(endingBefore: cutoff) }
            if !s.open.isEmpty, s.open.maxt < cutoff {
                head.series[i]!.setLast(t: s.open.maxt, bits: s.open.lastValueBits)
            }
        }
    }
}
