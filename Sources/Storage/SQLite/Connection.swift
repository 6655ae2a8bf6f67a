internal import CSQLite

/// One SQLite connection. Not Sendable: it is owned by exactly one actor (the writer, or
/// one querier), which runs all its calls on a serial queue.
final class Connection {
    let handle: OpaquePointer
    let path: String
    private var cache: [String: Statement] = [:]

    /// How a connection opens its file.
    enum Mode { case readWrite, readOnly }

    init(path: String, mode: Mode) throws(SQLiteError) {
        var db: OpaquePointer?
        // NOMUTEX: a connection is only ever used by one thread at a time (its owner's queue).
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard let db else { throw SQLiteError(code: rc, message: "cannot open database at \(path)") }
        if rc != SQLITE_OK {
            let error = SQLiteError(code: sqlite3_extended_errcode(db), message: String(cString: sqlite3_errmsg(db)) + " (\(path))")
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit {
        cache.removeAll()  // statements finalize before the connection closes
        sqlite3_close_v2(handle)
    }

    /// The only place where an SQLite return code becomes a Swift error.
    func check(_ rc: Int32, sql: String? = nil) throws(SQLiteError) {
        guard rc != SQLITE_OK, rc != SQLITE_ROW, rc != SQLITE_DONE else { return }
        throw SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws(SQLiteError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), sql: sql)
    }

    /// A prepared statement, cached by its SQL for the life of the connection.
    func prepared(_ sql: String) throws(SQLiteError) -> Statement {
        if let s = cache[sql] {
            s.reset()
            return s
        }
        let s = try Statement(connection: self, sql: sql)
        cache[sql] = s
        return s
    }

    /// Runs `body` in one transaction: commits when it returns, rolls back when it throws.
    func inTransaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    /// Ends any open transaction, ignoring "no transaction is active".
    func rollbackQuietly() {
        if sqlite3_get_autocommit(handle) == 0 { _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
    }

    /// True while a transaction is open.
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The value of an integer pragma such as `user_version` or `page_count`.
    func pragmaInt(_ name: String) throws(SQLiteError) -> Int64 {
        let s = try prepared("PRAGMA \(name)")
        defer { s.reset() }
        guard try s.step() else { return 0 }
        return s.int64(0)
    }

    /// The rowid of the last INSERT on this connection.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Interrupts a running statement from another thread (used on task cancellation).
    func interrupt() { sqlite3_interrupt(handle) }
}

extension Connection {
    /// Rows changed by the last INSERT/UPDATE/DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }
}

/// Moves a `Connection` between owners (the reader pool, the writer while it opens a read
/// snapshot, a querier). Invariant that makes the unchecked Sendable safe: exactly one owner
/// uses the connection at a time, and ownership passes only through an `await` (which orders
/// the previous owner's calls before the next owner's).
final class ConnectionBox: @unchecked Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}
