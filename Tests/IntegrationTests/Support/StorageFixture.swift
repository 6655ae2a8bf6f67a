import Foundation
import Model
import Storage

/// A real SQLite storage in a fresh temporary directory.
func makeStorage(_ name: String = #function) async throws -> SQLiteStorage {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-it-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var options = StorageOptions()
    options.maintenanceInterval = nil
    return try await SQLiteStorage.open(path: dir.appendingPathComponent("lantern.db").path, options: options)
}

extension Storage {
    /// Every sample of every series matching `matchers`, keyed by the series' label string.
    func dump(_ matchers: [Matcher]) async throws -> [String: [Sample]] {
        let q = try await querier(mint: .min, maxt: .max)
        let set = try await q.select(matchers: matchers)
        await q.close()
        var out: [String: [Sample]] = [:]
        for s in set { out[s.labels.description] = s.allSamples() }
        return out
    }

    func dump(name: String) async throws -> [String: [Sample]] {
        try await dump([Matcher(.equal, "__name__", name)])
    }
}
