import Foundation
internal import Yams

/// Reads and validates a `--web.config.file`, with the same strict decoder and error
/// positions as `ConfigLoader`; `lantern serve` and `lantern check web-config` use it.
public enum WebConfigLoader {
    /// Loads the web configuration at `path`; relative file names in it resolve against its directory.
    /// - Throws: `ConfigError` naming the file, the key path and the line of the first problem.
    public static func load(path: String) throws(ConfigError) -> WebConfig {
        let text = try ConfigLoader.readText(path: path)
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(yaml: text, baseDirectory: directory.isEmpty ? "." : directory, source: path)
    }

    /// Parses web configuration text (an empty document is the empty configuration).
    /// - Throws: `ConfigError` with the key path and line of the first problem.
    public static func parse(yaml: String, baseDirectory: String, source: String = "web-config.yml") throws(ConfigError) -> WebConfig {
        var root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigLoader.syntaxError(error, source: source)
        }
        var config = WebConfig()
        let index = root.map { NodeIndex($0) }
        do {
            if let root { config = try WebConfig(from: NodeDecoder(node: root)) }
            try config.validate()
        } catch let e as ConfigError {
            throw ConfigLoader.located(e, index, source)
        } catch {
            throw ConfigError(.type, "\(error)", file: source)
        }
        config.resolvePaths(relativeTo: baseDirectory)
        return config
    }

    /// Problems `promtool check web-config` would report: the parse error, or a file the
    /// configuration names that cannot be read. Empty when the file is usable.
    public static func check(path: String) -> [String] {
        let config: WebConfig
        do {
            config = try load(path: path)
        } catch {
            return ["\(error)"]
        }
        guard let tls = config.tlsServerConfig, tls.isEnabled else { return [] }
        var problems: [String] = []
        for (field, file) in [("cert_file", tls.certFile), ("key_file", tls.keyFile), ("client_ca_file", tls.clientCAFile)] where !file.isEmpty {
            if !FileManager.default.isReadableFile(atPath: file) {
                problems.append("\(path): tls_server_config.\(field): cannot read \(file)")
            }
        }
        return problems
    }
}
