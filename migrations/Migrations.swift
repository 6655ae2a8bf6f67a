/// The storage schema as SQL embedded in the binary: one script per version, applied in
/// order by `Storage` at open and recorded with `PRAGMA user_version`.
public enum MigrationFiles {
    /// (version, SQL) pairs, ascending; version N is the state after applying script N.
    public static let all: [(version: Int32, sql: String)] = [
        (1, String(decoding: PackageResources.V0001__init_sql, as: UTF8.self)),
        (2, String(decoding: PackageResources.V0002__packed_chunks_sql, as: UTF8.self)),
        (3, String(decoding: PackageResources.V0003__remote_write_sql, as: UTF8.self)),
        (4, String(decoding: PackageResources.V0004__compressed_wal_sql, as: UTF8.self)),
    ]

    /// The newest schema version this binary knows.
    public static var latestVersion: Int32 { all.last?.version ?? 0 }
}
