import Foundation
import Model
import Storage
import Testing

/// Damage on disk, found by checksums (chunk rows and write-ahead records carry a CRC-32C) or
/// by SQLite itself. The file is edited with the `sqlite3` CLI (Debian package `sqlite3`), so
/// the test does not trust Lantern's own code to do the damage.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct CorruptionTests {
    static let series = ["a", "b", "c"].map { Labels(("__name__", "corrupt_test"), ("s", $0)) }

    /// 30 commits; commit k (write-ahead record seq k) holds samples k*10-10 ..< k*10 of each
    /// series, one per second, value `series*1000 + i + 0.5`. Chunks (120 samples) are cut
    /// at 0 and 120; samples 240… live only in write-ahead records (no checkpoint at close).
    static func makeDatabase(_ dir: URL) async throws -> (path: String, base: Int64, refs: [SeriesRef]) {
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let path = data.appendingPathComponent("lantern.db").path
        var options = StorageOptions()
        options.maintenanceInterval = nil
        options.checkpointOnClose = false
        let storage = try await SQLiteStorage.open(path: path, options: options)
        let base = (Int64(Date().timeIntervalSince1970) - 600) * 1000
        var refs: [SeriesRef?] = [nil, nil, nil]
        for k in 0..<30 {
            var app = storage.appender()
            for i in k * 10..<(k + 1) * 10 {
                for s in 0..<3 { refs[s] = try app.append(refs[s], series[s], at: base + Int64(i) * 1000, value: value(s, i)) }
            }
            try await app.commit()
        }
        try await storage.close()
        try sqlite(path, "PRAGMA wal_checkpoint(TRUNCATE)")
        return (path, base, refs.map { $0! })
    }

    static func value(_ s: Int, _ i: Int) -> Double { Double(s * 1000 + i) + 0.5 }

    @discardableResult
    static func sqlite(_ path: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [path, sql]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw QueryReplyError(body: "sqlite3 \(sql): \(text)") }
        return text
    }

    static func serve(_ dir: URL) throws -> LanternProcess {
        try "scrape_configs: []\n".write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        return try LanternProcess(["serve", "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:0", "--storage.path=data"], directory: dir)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs the sqlite3 CLI (apt-get install sqlite3)"))
    func damagedChunkAndWriteAheadRecordsAreReportedAndTheRestIsServed() async throws {
        let dir = try makeTemporaryDirectory()
        let (path, base, refs) = try await Self.makeDatabase(dir)
        // (a) one flipped byte in b's first chunk (samples 0…119), found by the startup scrub;
        try Self.sqlite(path, """
            UPDATE chunks SET data = CAST(substr(data, 1, 20) || (CASE WHEN substr(data, 21, 1) = x'FF' THEN x'00' ELSE x'FF' END) || substr(data, 22) AS BLOB)
            WHERE series_id = \(refs[1].rawValue) AND mint = \(base)
            """)
        // (b) one byte changed in record 27 (samples 260…269 of every series);
        try Self.sqlite(path, "UPDATE wal SET data = CAST(substr(data, 1, 30) || (CASE WHEN substr(data, 31, 1) = x'A5' THEN x'5A' ELSE x'A5' END) || substr(data, 32) AS BLOB) WHERE seq = 27")
        // (c) a torn final record: only its first half reached the file (samples 290…299).
        try Self.sqlite(path, "UPDATE wal SET data = CAST(substr(data, 1, length(data) / 2) AS BLOB) WHERE seq = (SELECT max(seq) FROM wal)")

        let lantern = try Self.serve(dir)
        let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")
        #expect(await lantern.waitForLog("corrupt chunk"), "log:\n\(lantern.logText)")
        let log = lantern.logText
        let chunkLine = log.split(separator: "\n").first { $0.contains("corrupt chunk") }.map(String.init) ?? ""
        #expect(chunkLine.contains("s=\\\"b\\\"") || chunkLine.contains("s=\"b\""), "the log names the series: \(chunkLine)")
        #expect(chunkLine.contains(CorruptionTestsTime.rfc3339(base)) && chunkLine.contains(CorruptionTestsTime.rfc3339(base + 119_000)), "and its time range: \(chunkLine)")
        let walLines = log.split(separator: "\n").filter { $0.contains("corrupt write-ahead record") }
        for line in [Substring(chunkLine)] + walLines { print("CorruptionTests: \(line)") }
        #expect(walLines.count == 2, "log:\n\(log)")
        #expect(walLines.contains { $0.contains("seq=27") && $0.contains(CorruptionTestsTime.rfc3339(base + 260_000)) && $0.contains(CorruptionTestsTime.rfc3339(base + 269_000)) }, "\(walLines)")
        #expect(walLines.contains { $0.contains("seq=30") }, "\(walLines)")

        let metrics = try await LoopbackHTTP.request(port: port, path: "/metrics")
        #expect(metricValue(metrics.body, "lantern_tsdb_chunk_corruptions_total") == 1)
        #expect(metricValue(metrics.body, "lantern_tsdb_wal_corruptions_total") == 2)

        // Everything else is served, bit for bit.
        let now = Date().timeIntervalSince1970
        let got = try await queryMatrix(port: port, "corrupt_test[20m]", time: now)
        for (s, name) in ["a", "b", "c"].enumerated() {
            let samples = try #require(got["__name__=corrupt_test,s=\(name)"], "\(got.keys)")
            var expected: [Int64: String] = [:]
            for i in 0..<300 where !(260..<270).contains(i) && i < 290 && !(s == 1 && i < 120) {
                expected[base + Int64(i) * 1000] = "\(Self.value(s, i))"
            }
            #expect(samples == expected, "series \(name): \(samples.count) samples, expected \(expected.count)")
        }
        // A query over the damaged chunk still answers (with a warning, not an error).
        let reply = try await LoopbackHTTP.request(port: port, path: "/api/v1/query?query=count_over_time(corrupt_test%5B20m%5D)")
        #expect(reply.status == 200 && reply.body.contains("corrupt chunk skipped"), "\(reply.body)")
        #expect(metricValue(try await LoopbackHTTP.request(port: port, path: "/metrics").body, "lantern_tsdb_chunk_corruptions_total") == 1, "a chunk is counted once")

        // Restarting on the same file works again (nothing was left half-repaired).
        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0, "log:\n\(lantern.logText)")
        let again = try Self.serve(dir)
        #expect(await again.waitForPort() != nil, "log:\n\(again.logText)")
        again.signal(SIGTERM)
        #expect(await again.waitForExit() == 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs the sqlite3 CLI (apt-get install sqlite3)"))
    func aDamagedSQLiteHeaderOrPageIsRefusedWithTheFileNamed() async throws {
        // (a) the 100-byte file header: "SQLite format 3\0" overwritten.
        let dir = try makeTemporaryDirectory()
        let (path, _, _) = try await Self.makeDatabase(dir)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.write(contentsOf: Data("NOT A DATABASE!!".utf8))
        try h.close()
        let lantern = try Self.serve(dir)
        let status = await lantern.waitForExit(timeout: 30)
        #expect(status != nil && status != 0, "log:\n\(lantern.logText)")
        #expect(lantern.process.terminationReason == .exit, "exits with an error, does not crash")
        #expect(lantern.logText.contains("data/lantern.db") && lantern.logText.contains("damaged"), "log:\n\(lantern.logText)")

        // (b) a page: the series table's root page filled with garbage.
        let dir2 = try makeTemporaryDirectory()
        let (path2, _, _) = try await Self.makeDatabase(dir2)
        let root = Int(try Self.sqlite(path2, "SELECT rootpage FROM sqlite_schema WHERE name = 'series'").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let pageSize = Int(try Self.sqlite(path2, "PRAGMA page_size").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 4096
        #expect(root > 1)
        let h2 = try FileHandle(forWritingTo: URL(fileURLWithPath: path2))
        try h2.seek(toOffset: UInt64((root - 1) * pageSize))
        try h2.write(contentsOf: Data(repeating: 0xA5, count: pageSize))
        try h2.close()
        let lantern2 = try Self.serve(dir2)
        let status2 = await lantern2.waitForExit(timeout: 30)
        #expect(status2 != nil && status2 != 0, "log:\n\(lantern2.logText)")
        #expect(lantern2.process.terminationReason == .exit)
        #expect(lantern2.logText.contains("data/lantern.db") && lantern2.logText.contains("damaged"), "log:\n\(lantern2.logText)")
    }
}

/// The log's time format (UTC RFC 3339 with milliseconds), computed independently.
enum CorruptionTestsTime {
    static func rfc3339(_ ms: Int64) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
