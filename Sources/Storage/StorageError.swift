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
    /// A write was attempted on a read-only storage.
    public var isReadOnly: Bool { code == .readOnly }

    static func closed(_ what: String = "storage") -> StorageError { StorageError(.closed, "\(what) is closed") }

    /// Adds context to an SQLite failure, as `fmt.Errorf("write to WAL: %w", err)` does.
    static func io(_ context: String, _ error: any Error) -> StorageError {
        if let e = error as? StorageError { return StorageError(e.code, "\(context): \(e.message)", underlying: e.underlying) }
        let sqlite = error as? SQLiteError
        return StorageError(.io, "\(context): \(error)", underlying: sqlite)
    }

    public var description: String { message }
}
