/// An SQLite failure with everything needed to diagnose it: the extended result code,
/// SQLite's message and the statement that failed.
///
/// Exists so that every C return code becomes one Swift error type in exactly one place
/// (`Connection.check`), like GRDB's `DatabaseError`.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code (`sqlite3_extended_errcode`), e.g. 3338 for SQLITE_IOERR_SHORT_READ.
    public let code: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    public let message: String
    /// The SQL being prepared or run, when there was one.
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xff }

    public var description: String {
        "sqlite error \(code): \(message)" + (sql.map { " in \"\($0)\"" } ?? "")
    }
}
