import Foundation
import Logging
import Model
import Query
import Storage
import Testing

/// Export straight from an SQLite file, as `lantern export --storage.path` does.
@Suite struct StorageExportTests {
    @Test func exportsSeriesBySeriesFromAReadOnlySnapshot() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-export-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("lantern.db").path
        let storage = try await SQLiteStorage.open(path: path)
        var app = storage.appender()
        for s in 0..<300 {
            let labels = Labels(("__name__", "m"), ("i", "\(s)"), ("job", s % 2 == 0 ? "even" : "odd"))
            for t in 0..<50 { _ = try app.append(nil, labels, at: Timestamp(t * 1000), value: Double(s * 100 + t)) }
        }
        _ = try app.append(nil, Labels(("__name__", "other")), at: 0, value: 1)
        try await app.commit()
        try await storage.flushHead()

        let reader = try await SQLiteStorage.openReadOnly(path: path)
        let q = try await reader.querier(mint: 10_000, maxt: 19_999)
        var bytes: [UInt8] = []
        var buffer = ExportBuffer(flushSize: 4096) { bytes += $0 }
        let req = ExportRequest(selectors: [[try Matcher(.equal, "__name__", "m")], [try Matcher(.equal, "job", "even")]],
                                start: 10_000, end: 19_999, format: .csv(columns: nil, header: true))
        var batches = 0
        try await q.forEachBatch(matchers: [try Matcher(.equal, "__name__", "m")], batchSize: 64) { _ in batches += 1 }
        let stats = try await SeriesExporter.run(req, querier: q, into: &buffer, batchSize: 64)
        await q.close()
        try await reader.close()
        try await storage.close()
        #expect(batches == 5)
        #expect(stats.series == 300)  // the second selector's series were already exported
        #expect(stats.samples == 3000)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines[0] == "__name__,i,job,timestamp,value")
        #expect(lines[1] == "m,0,even,1970-01-01T00:00:10.000Z,10")
        #expect(lines.count == 3001)
    }
}
