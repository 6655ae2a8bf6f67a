import Synchronization

/// Read connections for queriers, reused between queries. Each querier holds one for its
/// lifetime (a WAL read snapshot), so readers never block the writer or each other.
///
/// An actor on its own queue for what may block on the file (opening a connection, loading a
/// head), with its idle list behind a lock: a querier, already on its own queue, takes an idle
/// connection and gives it back without a hop here.
actor ReaderPool {
    private let executor = SerialQueueExecutor(label: "lantern.sqlite.readers")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private struct State {
        var idle: [ConnectionBox] = []
        var closed = false
    }

    private let path: String
    private let maxIdle: Int
    private let state = Mutex(State())

    init(path: String, maxIdle: Int = 4) {
        self.path = path
        self.maxIdle = maxIdle
    }

    /// An idle connection, if there is one (no blocking, callable from any thread).
    /// - Throws: `StorageError.closed` once the pool is closed.
    nonisolated func takeIdle() throws -> ConnectionBox? {
        try state.withLock { s in
            guard !s.closed else { throw StorageError.closed() }
            return s.idle.popLast()
        }
    }

    /// An idle connection, or a new one (opened on this actor's queue).
    func acquire() throws -> ConnectionBox {
        if let c = try takeIdle() { return c }
        do {
            let c = try Connection(path: path, mode: .readOnly)
            try c.execute("PRAGMA query_only = 1")
            return ConnectionBox(c)
        } catch {
            throw StorageError.io("cannot open read connection to \(path)", error)
        }
    }

    /// Ends the connection's read transaction and keeps it for the next querier. Runs a short
    /// SQLite call: call it from a queue of Lantern's, not from the cooperative pool.
    nonisolated func giveBack(_ box: ConnectionBox) {
        box.connection.rollbackQuietly()
        let maxIdle = self.maxIdle
        state.withLock { s in
            if !s.closed, s.idle.count < maxIdle { s.idle.append(box) }
        }
    }

    /// `giveBack` on this actor's queue.
    func release(_ box: ConnectionBox) {
        giveBack(box)
    }

    func close() {
        state.withLock { s in
            s.closed = true
            s.idle.removeAll()
        }
    }
}
