/// The one error type of the `Config` module: a code plus where it happened.
///
/// It exists so that every rejection of a configuration file reads the same way and names its place:
/// the file, the key path in YAML field names (`scrape_configs[2].relabel_configs[0].regex`), and the
/// line and column when the YAML node is known. Callers match on `code` (`.unknownField`,
/// `.unsupported`, …); new codes do not break them.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case io, syntax, type, unknownField, duplicateKey, unsupported, invalid
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read.
        public static let io = Code(.io)
        /// The document is not well-formed YAML.
        public static let syntax = Code(.syntax)
        /// A value has the wrong YAML type or form (a string where a number belongs, a bad duration).
        public static let type = Code(.type)
        /// A key that Prometheus does not know either.
        public static let unknownField = Code(.unknownField)
        /// A key appears twice in one mapping.
        public static let duplicateKey = Code(.duplicateKey)
        /// A Prometheus feature that Lantern does not implement (e.g. `ec2_sd_configs`, `oauth2`).
        public static let unsupported = Code(.unsupported)
        /// A semantic check failed (missing `job_name`, timeout above interval, bad relabel rule, …).
        public static let invalid = Code(.invalid)

        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The configuration file (as given to the loader), when loading from a file.
    public var file: String?
    /// The YAML key path of the offending value, e.g. `scrape_configs[0].sample_limit`; empty for the document.
    public var keyPath: String
    /// 1-based line of the offending node, when known.
    public var line: Int?
    /// 1-based column of the offending node, when known.
    public var column: Int?
    /// The problem, in Prometheus's words where Prometheus has words for it.
    public var message: String

    /// Creates an error; the loader fills in `file`, `line` and `column` when it can.
    public init(_ code: Code, _ message: String, keyPath: String = "", line: Int? = nil, column: Int? = nil, file: String? = nil) {
        self.code = code
        self.message = message
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.file = file
    }

    /// `prometheus.yml:12: scrape_configs[0]: field "foo" not found in type ScrapeConfig`.
    public var description: String {
        var prefix = ""
        if let file { prefix += file + ":" }
        if let line { prefix += "\(line):" }
        if !prefix.isEmpty, file == nil, line != nil { prefix = "line " + prefix }
        if !prefix.isEmpty { prefix += " " }
        if !keyPath.isEmpty { prefix += keyPath + ": " }
        return prefix + message
    }
}

extension ConfigError {
    static func invalid(_ message: String, at keyPath: String) -> ConfigError {
        ConfigError(.invalid, message, keyPath: keyPath)
    }
}

/// Builds `a.b[2].c` key paths the way the README and error messages spell them.
enum KeyPath {
    static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }
    static func index(_ base: String, _ i: Int) -> String { base + "[\(i)]" }

    static func string(_ codingPath: [any CodingKey]) -> String {
        var s = ""
        for k in codingPath {
            if let i = k.intValue { s += "[\(i)]" } else { s = join(s, k.stringValue) }
        }
        return s
    }
}
