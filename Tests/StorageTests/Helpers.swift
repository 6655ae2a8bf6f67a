import Foundation
import Model
import Logging
@testable import Storage

/// A fresh temporary directory per test, removed when the value dies.
final class TempDir: @unchecked Sendable {  // safe: immutable after init
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-storage-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String = "tsdb.db") -> String { url.appendingPathComponent(name).path }
}

/// Options for tests: no background task, so everything happens when the test says.
func testOptions(_ edit: (inout StorageOptions) -> Void = { _ in }) -> StorageOptions {
    var o = StorageOptions()
    o.maintenanceInterval = nil
    edit(&o)
    return o
}

func openStore(_ dir: TempDir, _ edit: (inout StorageOptions) -> Void = { _ in }) async throws -> SQLiteStorage {
    try await SQLiteStorage.open(path: dir.path(), options: testOptions(edit), logger: quietLogger)
}

/// Tests do not bootstrap logging (STYLE §6); this logger drops everything.
let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

func m(_ name: String, _ op: Matcher.MatchType, _ value: String) -> Matcher {
    try! Matcher(op, name, value)
}

/// Selects and decodes everything: labels → samples.
func readAll(_ s: any Storage, _ matchers: [Matcher], mint: Timestamp = .min, maxt: Timestamp = .max) async throws -> [Labels: [Sample]] {
    let q = try await s.querier(mint: mint, maxt: maxt)
    defer { Task { await q.close() } }
    let set = try await q.select(matchers: matchers)
    var out: [Labels: [Sample]] = [:]
    for series in set { out[series.labels] = series.allSamples() }
    await q.close()
    return out
}

/// Appends `samples` to one series and commits.
func write(_ s: any Storage, _ labels: Labels, _ samples: [(Timestamp, Double)]) async throws {
    var app = s.appender()
    var ref: SeriesRef?
    for (t, v) in samples { ref = try app.append(ref, labels, at: t, value: v) }
    try await app.commit()
}

func bitsEqual(_ a: [Sample], _ b: [Sample]) -> Bool { a == b }  // Sample's == compares bits
