import Foundation
public import Logging

/// Where the configuration comes from: `--config.file`, else `prometheus.yml` in the working
/// directory when it exists, else the embedded default (Lantern scraping itself).
struct ConfigSource: Sendable {
    static let defaultPath = "prometheus.yml"
    let explicitPath: String?
    let logger: Logger

    /// The file to read, or nil for the embedded default.
    var path: String? {
        if let explicitPath { return explicitPath }
        return FileManager.default.fileExists(atPath: Self.defaultPath) ? Self.defaultPath : nil
    }

    func describe() -> String { path ?? "<embedded default>" }

    func load() throws -> Bool {
        true
    }
}
