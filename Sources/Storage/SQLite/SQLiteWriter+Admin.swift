import Model

/// The admin API's storage operations (`/api/v1/admin/tsdb/*`), on the writer actor so the
/// one write connection stays the only writer and a snapshot sees a committed state.
extension SQLiteWriter {
    /// Copies the whole database into a new file at `file` with `VACUUM INTO` (consistent:
    /// it reads one transaction). The copy keeps the write-ahead records, so it holds every
    /// committed sample; `skipHead` drops them from the copy, leaving only what is in chunks.
    func snapshot(to file: String, skipHead: Bool) throws {
        guard let db else { throw StorageError.closed() }
        do {
            let vacuum = try db.prepared("VACUUM INTO ?1")
            try vacuum.bind(1, file)
            try vacuum.run()
            if skipHead {
                let copy = try Connection(path: file, mode: .readWrite)
                try copy.execute("DELETE FROM wal")
            }
        } catch {
            throw StorageError.io("snapshot into \(file)", error)
        }
    }

    /// Deletes the samples in [mint, maxt] of every series matching any of `selectors`
    /// (Prometheus's `delete_series`). Returns the number of series touched.
    ///
    /// The head is checkpointed first (every sample into the `chunks` table, no write-ahead
    /// records left to replay), then the matching series' head chunks are emptied (they keep
    /// their last timestamp, as after a load) and their table chunks are deleted when inside
    /// the range or rewritten without the deleted samples when they straddle it. There are
    /// no tombstones, so `clean_tombstones` has nothing to do.
    func deleteSeries(_ selectors: [[Matcher]], mint: Timestamp, maxt: Timestamp) throws -> Int {
        guard let db else { throw StorageError.closed() }
        publishedHead.invalidate(dropping: true)
        try flushHead()
        var refs = Set<UInt64>()
        for matchers in selectors { refs.formUnion(head.postings.refs(matching: matchers)) }
        do {
            try db.inTransaction {
                for ref in refs.sorted() { try deleteSamples(db, ref: ref, mint: mint, maxt: maxt) }
            }
        } catch {
            throw StorageError.io("delete series in \(path)", error)
        }
        for ref in refs where head.contains(ref) {
            let s = head.series[Int(ref)]!
            if s.hasSample { head.series[Int(ref)]!.setLast(t: s.lastT, bits: s.lastBits) }
        }
        return refs.count
    }

    private func deleteSamples(_ db: Connection, ref: UInt64, mint: Timestamp, maxt: Timestamp) throws {
        let select = try db.prepared("SELECT id, mint, maxt, data FROM chunks WHERE series_id = ?1 AND maxt >= ?2 AND mint <= ?3")
        try select.bind(1, Int64(ref))
        try select.bind(2, mint)
        try select.bind(3, maxt)
        var whole: [Int64] = []
        var straddling: [(id: Int64, samples: [Sample])] = []
        while try select.step() {
            let id = select.int64(0)
            if select.int64(1) >= mint, select.int64(2) <= maxt {
                whole.append(id)
            } else {
                guard let samples = ChunkIterator.decode(select.blob(3)) else {
                    throw StorageError(.corruption, "chunk \(id) of series \(ref) does not decode")
                }
                straddling.append((id, samples.filter { $0.t < mint || $0.t > maxt }))
            }
        }
        select.reset()
        let del = try db.prepared("DELETE FROM chunks WHERE id = ?1")
        for id in whole + straddling.filter({ $0.samples.isEmpty }).map(\.id) {
            try del.bind(1, id)
            try del.run()
        }
        let update = try db.prepared("UPDATE chunks SET mint = ?2, maxt = ?3, crc = ?4, data = ?5 WHERE id = ?1")
        for (id, samples) in straddling where !samples.isEmpty {
            var chunk = XORAppender()
            for s in samples { chunk.append(t: s.t, bits: s.v.bitPattern) }
            let bytes = ChunkEncoding.finish(xor: chunk.bytes)
            try update.bind(1, id)
            try update.bind(2, samples.first!.t)
            try update.bind(3, samples.last!.t)
            try update.bind(4, Int64(CRC32C.checksum(bytes)))
            try update.bind(5, bytes)
            try update.run()
        }
    }
}
