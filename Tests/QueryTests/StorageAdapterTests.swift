import Foundation
import Model
import Storage
import Testing
@testable import Query

/// The engine over the SQLite storage through the prefetching adapter.
@Test func queriesSQLiteStorage() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-query-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let storage = try await SQLiteStorage.open(path: dir.appendingPathComponent("db.sqlite").path)
    var app = storage.appender()
    for i in 0..<2 {
        let labels = Labels([Label(name: "__name__", value: "x_total"), Label(name: "i", value: String(i))])
        var ref: SeriesRef?
        for k in 0...40 { ref = try app.append(ref, labels, at: Int64(k) * 15_000, value: Double(k * (i + 1))) }
    }
    try await app.commit()
    let engine = Engine()
    let r = try await engine.instantQuery("sum(rate(x_total[1m]))", at: 600_000, queryable: storage)
    guard case .vector(let v) = r.value else { Issue.record("expected a vector"); return }
    #expect(v.count == 1 && abs(v[0].value - 0.2) < 1e-9)
    let m = try await engine.rangeQuery("x_total offset 1m", start: 300_000, end: 600_000, step: 60_000, queryable: storage)
    guard case .matrix(let series) = m.value else { Issue.record("expected a matrix"); return }
    #expect(series.count == 2 && series.allSatisfy { $0.points.count == 6 })
    try await storage.close()
}
