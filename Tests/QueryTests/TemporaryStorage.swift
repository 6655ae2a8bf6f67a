import Foundation
import Model
import Storage

/// A fresh SQLite storage in its own temporary directory for `body`; closed and removed after.
func withTemporaryStorage(_ body: (SQLiteStorage) async throws -> Void) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-query-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let storage = try await SQLiteStorage.open(path: dir.appendingPathComponent("db.sqlite").path)
    do { try await body(storage) } catch { try await storage.close(); throw error }
    try await storage.close()
}

/// Two counters `x_total{i}` (0, 1, 2, … and 0, 2, 4, … every 15 s from 0 to 600 s), uncommitted.
func appendCounters(to app: inout any Appender) throws {
    for i in 0..<2 {
        let labels = Labels([Label(name: "__name__", value: "x_total"), Label(name: "i", value: String(i))])
        var ref: SeriesRef?
        for k in 0...40 { ref = try app.append(ref, labels, at: Int64(k) * 15_000, value: Double(k * (i + 1))) }
    }
}
