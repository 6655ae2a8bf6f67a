import Model

/// A remote's acknowledged positions in the SQLite file (`remote_write_positions`): per
/// series the newest sample time the receiver accepted, and the scan cursor (series 0).
/// Its own connection on its own serial queue, so SQLite calls never block the cooperative pool.
actor RemoteWriteProgress {
    private let executor = SerialQueueExecutor(label: "lantern.remote-write.progress")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var db: Connection?
    private let path: String
    let remote: String

    init(path: String, remote: String) {
        self.path = path
        self.remote = remote
    }

    private func connection() throws -> Connection {
        if let db { return db }
        let c = try Connection(path: path, mode: .readWrite)
        try c.execute("PRAGMA journal_mode = WAL")
        db = c
        return c
    }

    /// Every stored position of this remote (series 0: the cursor).
    func load() throws -> [UInt64: Timestamp] {
        let q = try connection().prepared("SELECT series_id, t FROM remote_write_positions WHERE remote = ?1")
        try q.bind(1, remote)
        var out: [UInt64: Timestamp] = [:]
        while try q.step() { out[UInt64(q.int64(0))] = q.int64(1) }
        q.reset()
        return out
    }

    /// Stores changed positions in one transaction.
    func save(_ changes: [UInt64: Timestamp]) throws {
        guard !changes.isEmpty else { return }
        let db = try connection()
        try db.inTransaction {
            let q = try db.prepared("""
                INSERT INTO remote_write_positions (remote, series_id, t) VALUES (?1, ?2, ?3)
                ON CONFLICT (remote, series_id) DO UPDATE SET t = excluded.t
                """)
            for (ref, t) in changes {
                try q.bind(1, remote)
                try q.bind(2, Int64(ref))
                try q.bind(3, t)
                try q.run()
            }
        }
    }

    func close() { db = nil }
}

