public import Config
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

    /// Reads and validates the configuration.
    /// - Parameter selfAddress: the address this server listens on; the embedded default
    ///   scrapes it (it is written for 127.0.0.1:9090, the default listen address).
    /// - Throws: `ConfigError` naming the file, key and line.
    func load(selfAddress: String) throws(ConfigError) -> PrometheusConfig {
        if let path { return try ConfigLoader.load(path: path) }
        let yaml = PrometheusConfig.embeddedDefaultYAML.replacingOccurrences(of: "127.0.0.1:9090", with: selfAddress)
        return try ConfigLoader.parse(yaml: yaml, baseDirectory: ".", source: "<embedded default>")
    }
}
