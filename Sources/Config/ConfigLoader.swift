import Foundation
internal import Yams

/// Reads, decodes and validates `prometheus.yml`: the one entry point the server and `check config` use.
///
/// Loading never opens the files a configuration refers to (tokens, certificates, file_sd targets);
/// it only resolves their paths against the configuration's directory, as Prometheus does. Use
/// `ConfigChecker` to also verify that those files exist.
public enum ConfigLoader {
    /// Loads the configuration file at `path`.
    /// - Parameter path: the file; relative paths inside it resolve against its directory.
    /// - Returns: the validated configuration with every default applied.
    /// - Throws: `ConfigError` (`.io` when unreadable; otherwise what `parse` throws), naming the file.
    public static func load(path: String) throws(ConfigError) -> PrometheusConfig {
        let text = try readText(path: path)
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(yaml: text, baseDirectory: directory.isEmpty ? "." : directory, source: path)
    }

    /// The UTF-8 text of `path`; shared with `WebConfigLoader`.
    static func readText(path: String) throws(ConfigError) -> String {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let s = String(data: data, encoding: .utf8) else {
                throw ConfigError(.io, "file is not valid UTF-8", file: path)
            }
            return s
        } catch let e as ConfigError {
            throw e
        } catch {
            throw ConfigError(.io, "cannot read configuration file: \(error.localizedDescription)", file: path)
        }
    }

    /// Parses configuration text.
    /// - Parameters:
    ///   - yaml: the document.
    ///   - baseDirectory: the directory relative paths resolve against.
    ///   - source: the name used in error messages (usually the file path).
    /// - Throws: `ConfigError` with the key path and line of the first problem.
    public static func parse(yaml: String, baseDirectory: String, source: String = "prometheus.yml") throws(ConfigError) -> PrometheusConfig {
        var root: Node?
        do {
            try YAMLDepthLimit.check(yaml)
        } catch {
            var e = error
            e.file = source
            throw e
        }
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw syntaxError(error, source: source)
        }
        var config = PrometheusConfig()
        let index = root.map { NodeIndex($0) }
        do {
            if let root { config = try PrometheusConfig(from: NodeDecoder(node: root)) }
            try config.validate()
        } catch let e as ConfigError {
            throw located(e, index, source)
        } catch {
            throw ConfigError(.type, "\(error)", file: source)
        }
        config.resolvePaths(relativeTo: baseDirectory)
        return config
    }

    static func located(_ error: ConfigError, _ index: NodeIndex?, _ source: String) -> ConfigError {
        var e = error
        e.file = source
        if e.line == nil, let mark = index?.mark(for: e.keyPath) {
            e.line = mark.line
            e.column = mark.column
        }
        return e
    }

    static func syntaxError(_ error: any Error, source: String) -> ConfigError {
        guard let y = error as? YamlError else { return ConfigError(.syntax, "\(error)", file: source) }
        switch y {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let ctx = context.map { $0.text + " " } ?? ""
            return ConfigError(.syntax, "yaml: line \(mark.line), column \(mark.column): \(ctx)\(problem)",
                               line: mark.line, column: mark.column, file: source)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { quoted($0) }.joined(separator: ", ")
            return ConfigError(.duplicateKey, "yaml: line \(context.mark.line): field \(keys) already set: mapping key defined twice",
                               line: context.mark.line, column: context.mark.column, file: source)
        default:
            return ConfigError(.syntax, "yaml: \(y)", file: source)
        }
    }
}

/// Positions of the nodes of a document by key path, so checks that run after decoding can still
/// name a line.
struct NodeIndex {
    private var marks: [String: Mark] = [:]

    init(_ root: Node) { walk(root, "") }

    private mutating func walk(_ node: Node, _ path: String) {
        if let m = node.mark, marks[path] == nil { marks[path] = m }
        switch node {
        case .mapping(let m):
            for pair in m {
                let key = pair.key.string ?? ""
                let p = KeyPath.join(path, key)
                if let km = pair.key.mark { marks[p] = km }
                walk(pair.value, p)
            }
        case .sequence(let s):
            for (i, item) in s.enumerated() { walk(item, KeyPath.index(path, i)) }
        default:
            break
        }
    }

    /// The mark of `keyPath` or of its nearest ancestor present in the document.
    func mark(for keyPath: String) -> Mark? {
        var p = Substring(keyPath)
        while true {
            if let m = marks[String(p)] { return m }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return marks[""] }
            p = p[..<cut]
        }
    }
}
