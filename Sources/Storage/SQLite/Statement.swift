internal import CSQLite

/// A prepared statement of one `Connection`; reused through the connection's cache.
final class Statement {
    private let stmt: OpaquePointer
    private unowned let connection: Connection
    let sql: String

    init(connection: Connection, sql: String) throws(SQLiteError) {
        var s: OpaquePointer?
        try connection.check(sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil), sql: sql)
        guard let s else { throw SQLiteError(code: SQLITE_MISUSE, message: "empty statement", sql: sql) }
        stmt = s
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(stmt) }

    /// Resets and clears bindings so the statement can run again.
    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        try connection.check(sqlite3_bind_int64(stmt, index, value), sql: sql)
    }

    func bind(_ index: Int32, _ value: String) throws(SQLiteError) {
        try connection.check(sqlite3_bind_text(stmt, index, value, -1, lantern_sqlite_transient()), sql: sql)
    }

    /// Binds a blob; SQLite copies the bytes (SQLITE_TRANSIENT) before returning.
    func bind(_ index: Int32, _ bytes: UnsafeRawBufferPointer) throws(SQLiteError) {
        // A zero-length blob still needs a non-nil pointer, otherwise SQLite stores NULL.
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        try connection.check(sqlite3_bind_blob(stmt, index, base, Int32(bytes.count), lantern_sqlite_transient()), sql: sql)
    }

    func bind(_ index: Int32, _ bytes: [UInt8]) throws(SQLiteError) {
        let rc = bytes.withUnsafeBytes { b in
            sqlite3_bind_blob(stmt, index, b.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int32(b.count), lantern_sqlite_transient())
        }
        try connection.check(rc, sql: sql)
    }

    /// Advances; true while a row is available.
    @discardableResult
    func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        try connection.check(rc, sql: sql)
        return false
    }

    /// Runs a statement that returns no rows, then resets it.
    func run() throws(SQLiteError) {
        defer { sqlite3_reset(stmt) }
        _ = try step()
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(stmt, column) == SQLITE_NULL }

    func string(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, column) else { return "" }
        return String(cString: p)
    }

    /// Copies a blob column into a new array.
    func blob(_ column: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(stmt, column))
        guard n > 0, let p = sqlite3_column_blob(stmt, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// Lends a blob column without copying; valid only inside `body`.
    func withBlob<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let p = sqlite3_column_blob(stmt, column)
        let n = Int(sqlite3_column_bytes(stmt, column))
        return try body(UnsafeRawBufferPointer(start: p, count: p == nil ? 0 : n))
    }
}
