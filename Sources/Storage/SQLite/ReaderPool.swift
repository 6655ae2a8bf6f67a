/// Read connections for queriers, reused between queries. Each querier holds one for its
/// lifetime (a WAL read snapshot), so readers never block the writer or each other.
actor ReaderPool {
    private let executor = SerialQueueExecutor(label: "lantern.sqlite.readers")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let path: String
    private let maxIdle: Int
    private var idle: [ConnectionBox] = []
    private var closed = false

    init(path: String, maxIdle: Int = 4) {
        self.path = path
        self.maxIdle = maxIdle
    }

    func acquire() throws -> ConnectionBox {
        guard !closed else { throw StorageError.closed() }
        if let c = idle.popLast() { return c }
        do {
            let c = try Connection(path: path, mode: .readOnly)
            try c.execute("PRAGMA query_only = 1")
            return ConnectionBox(c)
        } catch {
            throw StorageError.io("cannot open read connection to \(path)", error)
        }
    }

    /// Ends the connection's read transaction and keeps it for the next querier.
    func release(_ box: ConnectionBox) {
        box.connection.rollbackQuietly()
        if !closed, idle.count < maxIdle { idle.append(box) }
    }

    func close() {
        closed = true
        idle.removeAll()
    }
}
