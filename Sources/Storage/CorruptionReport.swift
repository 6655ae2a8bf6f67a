public import Model
public import Logging
import Synchronization

/// Tells the operator what damaged data cost them: which series and which time range, once
/// per damaged chunk or write-ahead record, in the log and in `lantern_tsdb_*_corruptions_total`.
///
/// Why it exists: a checksum failure is found in several places (the head loader at open,
/// the startup chunk scrub, every query that reads the chunk), and without one ledger the
/// same chunk would be counted and logged by each query that touches it.
/// Logged at `warning` although `Storage` is a library module (STYLE §6 keeps those at info):
/// lost data is a one-off event per chunk that an operator must see at the default level.
final class CorruptionReport: Sendable {
    private let logger: Logger
    private let metrics: StorageMetrics
    /// (series id, chunk mint) of chunks already reported.
    private let seenChunks = Mutex<Set<ChunkKey>>([])

    struct ChunkKey: Hashable { let series: UInt64, mint: Int64 }

    init(logger: Logger, metrics: StorageMetrics) {
        self.logger = logger
        self.metrics = metrics
    }

    /// A chunk row whose checksum (or encoding) failed: its samples in [mint, maxt] are lost.
    /// Returns false when it had been reported already.
    @discardableResult
    func chunk(series: UInt64, labels: Labels?, mint: Int64, maxt: Int64, path: String, found: String) -> Bool {
        let isNew = seenChunks.withLock { $0.insert(ChunkKey(series: series, mint: mint)).inserted }
        guard isNew else { return false }
        StorageMetrics.add(metrics.chunkCorruptions)
        logger.warning("corrupt chunk: its samples are lost, the rest of the series stays readable", metadata: [
            "path": "\(path)", "series_id": "\(series)", "series": "\(labels.map { "\($0)" } ?? "unknown")",
            "mint": "\(Self.rfc3339(mint))", "maxt": "\(Self.rfc3339(maxt))", "found_by": "\(found)",
        ])
        return true
    }

    /// A series row whose labels do not decode: the whole series is unreadable.
    func series(id: UInt64, path: String) {
        StorageMetrics.add(metrics.seriesCorruptions)
        logger.warning("corrupt series row skipped: all samples of this series are unreadable", metadata: [
            "path": "\(path)", "series_id": "\(id)",
        ])
    }

    /// A write-ahead record whose checksum failed (flipped bytes, or a torn final write):
    /// skipped at replay. `guess` is what its bytes still decode to, unverified.
    func walRecord(seq: Int64, bytes: Int, path: String, guess: (series: [Labels], mint: Int64, maxt: Int64)?) {
        StorageMetrics.add(metrics.walCorruptions)
        var metadata: Logger.Metadata = ["path": "\(path)", "seq": "\(seq)", "bytes": "\(bytes)"]
        if let guess {
            metadata["series_count"] = "\(guess.series.count)"
            metadata["series"] = "\(guess.series.prefix(5).map { "\($0)" }.joined(separator: " "))\(guess.series.count > 5 ? " …" : "")"
            metadata["mint"] = "\(Self.rfc3339(guess.mint))"
            metadata["maxt"] = "\(Self.rfc3339(guess.maxt))"
            // Decoded from bytes that failed their checksum (a torn record shows only its start).
            metadata["decoded"] = "unverified"
        } else {
            metadata["series"] = "undecodable"
        }
        logger.warning("corrupt write-ahead record skipped: the samples of that commit not yet in chunks are lost", metadata: metadata)
    }

    /// The startup scrub could not read the chunks table (e.g. SQLITE_CORRUPT in a page).
    func scrubFailed(path: String, _ error: any Error) {
        logger.warning("checking chunk checksums failed", metadata: ["path": "\(path)", "err": "\(StorageError.io("scrub of \(path)", error))"])
    }

    /// Milliseconds since the epoch as UTC RFC 3339 with milliseconds (no Foundation).
    static func rfc3339(_ ms: Int64) -> String {
        let secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let milli = ms - secs * 1000
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let sod = secs - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(sod / 3600, 2)):\(pad(sod / 60 % 60, 2)):\(pad(sod % 60, 2)).\(pad(milli, 3))Z"
    }
}
