/// Why a storage operation failed as a whole (as opposed to `AppendError`, which rejects one
/// sample). One error type for the module, a struct over a private code (STYLE §5), so new
/// cases do not break callers; match with `error.kind == StorageError.schemaTooNew.kind`.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case schemaTooNew, schemaMissing, closed, readOnly, corruption, io, invalidArgument
    }

    let code: Code
    /// A human-readable explanation with the file and the failing step.
    public let message: String
    /// The SQLite failure underneath, if any.
    public let underlying: SQLiteError?

    init(_ code: Code, _ message: String, underlying: SQLiteError? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The database was written by a newer Lantern; this binary refuses to touch it.
    public var isSchemaTooNew: Bool { code == .schemaTooNew }
    /// The storage is closed.
    public var isClosed: Bool { code == .closed }
    /// A checksum or decoding failure: data on disk is damaged.
    public var isCorruption: Bool { code == .corruption }
    /// SQLite reported a full disk (SQLITE_FULL) or the file system refused to grow a file.
    /// (SQLITE_IOERR_SHMSIZE, 4874: the shared-memory index could not grow.)
    public var isOutOfSpace: Bool { underlying.map { $0.primaryCode == 13 || $0.code == 4874 } ?? false }
    /// A write was attempted on a read-only storage.
    public var isReadOnly: Bool { code == .readOnly }

    static func closed(_ what: String = "storage") -> StorageError { StorageError(.closed, "\(what) is closed") }

    /// Adds context to an SQLite failure, as `fmt.Errorf("write to WAL: %w", err)` does.
    static func io(_ context: String, _ error: any Error) -> StorageError {
        if let e = error as? StorageError { return StorageError(e.code, "\(context): \(e.message)", underlying: e.underlying) }
        let sqlite = error as? SQLiteError
        // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26): the file itself is damaged. Say so and
        // what to do, rather than leave the operator with an SQLite code.
        if let sqlite, sqlite.primaryCode == 11 || sqlite.primaryCode == 26 {
            return StorageError(.corruption, "\(context): \(error): the database file is damaged at the SQLite level; "
                + "Lantern will not start on it. Move it aside (keep it: `sqlite3 <file> .recover` may save most of it) "
                + "to start with an empty database, or restore it from a backup", underlying: sqlite)
        }
        return StorageError(.io, "\(context): \(error)", underlying: sqlite)
    }

    public var description: String { message }
}
