/// Verifies every stored chunk's CRC-32C once after open, in the background, so damage
/// anywhere in the file is reported (series and time range, see `CorruptionReport`) when
/// Lantern starts rather than when a query happens to read that chunk.
///
/// Why a separate actor on its own queue: the scan reads the whole chunks table, and doing
/// that on the reader pool's or the writer's queue would hold up queries or commits. It
/// reads in slices of `sliceRows` rows, each slice its own short read transaction, so
/// SQLite's WAL checkpoints are never pinned for long.
actor ChunkScrubber {
    private let executor = SerialQueueExecutor(label: "lantern.sqlite.scrubber")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let pool: ReaderPool
    private let index: SeriesIndex
    private let report: CorruptionReport
    private let sliceRows: Int

    init(pool: ReaderPool, index: SeriesIndex, report: CorruptionReport, sliceRows: Int = 4096) {
        self.pool = pool
        self.index = index
        self.report = report
        self.sliceRows = sliceRows
    }

    /// Scans the chunks table; returns (chunks checked, chunks found corrupt).
    @discardableResult
    func run() async throws -> (checked: Int, corrupt: Int) {
        var after: Int64 = 0
        var checked = 0, corrupt = 0
        while !Task.isCancelled {
            let box = try await pool.acquire()
            let slice: (last: Int64?, checked: Int, corrupt: Int)
            do {
                slice = try scan(box.connection, after: after)
            } catch {
                await pool.release(box)
                throw error
            }
            await pool.release(box)
            checked += slice.checked
            corrupt += slice.corrupt
            guard let last = slice.last else { break }
            after = last
        }
        return (checked, corrupt)
    }

    private func scan(_ db: Connection, after: Int64) throws -> (last: Int64?, checked: Int, corrupt: Int) {
        let q = try db.prepared("SELECT id, series_id, mint, maxt, crc, data FROM chunks WHERE id > ?1 ORDER BY id LIMIT ?2")
        defer { q.reset() }
        try q.bind(1, after)
        try q.bind(2, Int64(sliceRows))
        var last: Int64?
        var checked = 0, corrupt = 0
        while try q.step() {
            last = q.int64(0)
            checked += 1
            let crc = UInt32(truncatingIfNeeded: q.int64(4))
            let ok = q.withBlob(5) { CRC32C.checksum($0) == crc }
            if !ok {
                corrupt += 1
                let ref = UInt64(q.int64(1))
                report.chunk(series: ref, labels: index.labels(of: ref), mint: q.int64(2), maxt: q.int64(3), path: db.path, found: "startup scrub")
            }
        }
        return (last, checked, corrupt)
    }
}
