internal import Migrations

/// Brings a database to the schema this binary knows, or refuses a newer one.
enum Schema {
    /// Applies the missing migrations in one transaction each.
    /// - Throws: `StorageError` (schemaTooNew) when the file is newer than this binary.
    static func migrate(_ db: Connection) throws {
        let current = Int32(try db.pragmaInt("user_version"))
        try checkNotTooNew(current, path: db.path)
        if current == 0 {
            // Must precede the first CREATE TABLE to take effect.
            try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        }
        for m in MigrationFiles.all where m.version > current {
            try db.inTransaction {
                try db.execute(m.sql)
                try db.execute("PRAGMA user_version = \(m.version)")
            }
        }
    }

    /// The oldest schema a read-only open understands.
    static let minimumReadableVersion: Int32 = 1

    /// For read-only opens: the file must exist at a version this binary reads.
    static func verify(_ db: Connection) throws {
        let current = Int32(try db.pragmaInt("user_version"))
        try checkNotTooNew(current, path: db.path)
        // Readers understand every version from 1 (plain label rows, XOR chunks) on; version 3 only
        // adds remote-write progress, version 4 only a new write-ahead record encoding (both
        // are read). So a file last written by an older Lantern can still be exported.
        guard current >= minimumReadableVersion else {
            throw StorageError(.schemaMissing, "\(db.path) has schema version \(current), expected \(minimumReadableVersion)…\(MigrationFiles.latestVersion); open it read-write once to migrate")
        }
    }

    private static func checkNotTooNew(_ version: Int32, path: String) throws {
        guard version <= MigrationFiles.latestVersion else {
            throw StorageError(.schemaTooNew, "\(path) has schema version \(version), newer than the \(MigrationFiles.latestVersion) this Lantern knows; refusing to open it (upgrade Lantern)")
        }
    }
}
