/// Moving head data into the `chunks` table: full chunks after each commit, and head
/// checkpoints that also store partial open chunks so write-ahead records can be deleted.
extension SQLiteWriter {
    /// Inserts the chunks the head cut since the last transaction (inside the caller's
    /// transaction). `didFlushClosedChunks()` drops all but the newest (`headKeepWindow`) from memory once it committed.
    func flushClosedChunks(_ db: Connection) throws {
        guard !head.seriesWithClosedChunks.isEmpty else { return }
        let ins = try db.prepared("INSERT OR REPLACE INTO chunks (series_id, mint, maxt, crc, data) VALUES (?1, ?2, ?3, ?4, ?5)")
        for ref in head.seriesWithClosedChunks {
            guard let s = head[ref] else { continue }
            for c in s.unflushed {
                try ins.bind(1, Int64(ref))
                try ins.bind(2, c.mint)
                try ins.bind(3, c.maxt)
                try ins.bind(4, Int64(CRC32C.checksum(c.bytes)))
                try ins.bind(5, c.bytes)
                try ins.run()
            }
        }
    }

    func didFlushClosedChunks() {
        guard !head.seriesWithClosedChunks.isEmpty else { return }
        var n = 0
        for ref in head.seriesWithClosedChunks where head.contains(ref) {
            n += head.series[Int(ref)]!.unflushed.count
            head.series[Int(ref)]!.didFlush(keeping: head.keepWindow)
        }
        head.seriesWithClosedChunks.removeAll(keepingCapacity: true)
        StorageMetrics.add(metrics.chunksWritten, n)
    }

    /// Upserts the dirty open chunks of the next `checkpointSliceSeries` series; when the
    /// cursor reaches the end, deletes the records the pass covers. Returns the new cursor.
    func checkpointSlice(_ db: Connection, upserts: inout [(ref: UInt64, count: UInt16)]) throws -> Int {
        guard let p = pass else { return 0 }
        let end = min(head.series.count, p.cursor + max(1, options.checkpointSliceSeries))
        let ins = try db.prepared("INSERT OR REPLACE INTO chunks (series_id, mint, maxt, crc, data) VALUES (?1, ?2, ?3, ?4, ?5)")
        for i in p.cursor..<end {
            guard let s = head.series[i], s.openIsDirty else { continue }
            // A full flush (close, backup) stores partial chunks packed when they pack; the
            // loader turns them back into XOR open chunks. Incremental checkpoints stay XOR:
            // their partial chunks are replaced at cut anyway, and packing costs CPU.
            let bytes = packPartialChunks && head.packChunks ? ChunkEncoding.finish(xor: s.open.bytes) : s.open.bytes
            try ins.bind(1, Int64(i))
            try ins.bind(2, s.open.mint)
            try ins.bind(3, s.open.maxt)
            try ins.bind(4, Int64(CRC32C.checksum(bytes)))
            try ins.bind(5, bytes)
            try ins.run()
            upserts.append((UInt64(i), UInt16(s.open.count)))
        }
        if end >= head.series.count {
            let del = try db.prepared("DELETE FROM wal WHERE seq <= ?1")
            try del.bind(1, p.upToSeq)
            try del.run()
        }
        return end
    }

    /// Records a committed slice: what is now persisted, and the end of the pass.
    func finishSlice(upserts: [(ref: UInt64, count: UInt16)], end: Int) {
        for u in upserts where head.contains(u.ref) {
            head.series[Int(u.ref)]!.persistedCount = u.count
        }
        StorageMetrics.add(metrics.chunksWritten, upserts.count)
        guard let p = pass else { return }
        if end >= head.series.count {
            let k = walSizes.firstIndex { $0.seq > p.upToSeq } ?? walSizes.count
            walBytes -= walSizes[..<k].reduce(0) { $0 + $1.bytes }
            walSizes.removeFirst(k)
            pass = nil
            StorageMetrics.add(metrics.checkpoints)
            publishGauges()
        } else {
            pass = CheckpointPass(upToSeq: p.upToSeq, cursor: end)
        }
    }

    /// One checkpoint step in its own transaction (the maintenance task's way to make
    /// progress when no commits arrive). No-op without a pass in progress.
    func checkpointStep() throws {
        guard let db, pass != nil else { return }
        publishedHead.invalidate(dropping: true)
        var upserts: [(ref: UInt64, count: UInt16)] = []
        var end = 0
        do {
            try db.inTransaction {
                try flushClosedChunks(db)
                end = try checkpointSlice(db, upserts: &upserts)
            }
        } catch {
            throw StorageError.io("head checkpoint of \(path)", error)
        }
        didFlushClosedChunks()
        finishSlice(upserts: upserts, end: end)
    }

    /// Puts every sample of the head into the `chunks` table (full chunks and partial open
    /// ones) and deletes every write-ahead record: a complete checkpoint, run now.
    func flushHead() throws {
        guard db != nil else { throw StorageError.closed() }
        publishedHead.invalidate(dropping: true)
        while pass != nil { try checkpointStep() }
        packPartialChunks = true
        defer { packPartialChunks = false }
        pass = CheckpointPass(upToSeq: lastSeq, cursor: 0)
        while pass != nil { try checkpointStep() }
    }

    /// Starts a checkpoint when the records outgrew the threshold, and advances one in progress.
    func maintainCheckpoint() throws {
        if pass == nil, walBytes > options.walCheckpointBytes {
            pass = CheckpointPass(upToSeq: lastSeq, cursor: 0)
        }
        try checkpointStep()
    }
}
