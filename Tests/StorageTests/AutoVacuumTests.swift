import Foundation
import Model
import Testing
@testable import Storage

@Suite struct AutoVacuumTests {
    @Test func aNewFileUsesIncrementalAutoVacuumAndShrinksAtClose() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-vacuum-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("lantern.db").path
        var options = StorageOptions()
        options.maintenanceInterval = nil
        let storage = try await SQLiteStorage.open(path: path, options: options)
        // Enough write-ahead records to span many pages, then a close that folds them into chunks.
        for round in 0..<50 {
            var app = storage.appender()
            for s in 0..<500 {
                _ = try app.append(nil, Labels(("__name__", "m"), ("s", "\(s)")), at: Int64(round) * 15_000, value: Double(round * s))
            }
            try await app.commit()
        }
        try await storage.close()
        let db = try Connection(path: path, mode: .readOnly)
        #expect(try db.pragmaInt("auto_vacuum") == 2, "INCREMENTAL")
        #expect(try db.pragmaInt("freelist_count") * 4 < db.pragmaInt("page_count"), "freed pages returned at close")
    }
}
