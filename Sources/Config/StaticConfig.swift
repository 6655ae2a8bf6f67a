internal import Model

/// One entry of `static_configs`: fixed targets plus labels attached to all of them.
///
/// Decoded like Prometheus's `targetgroup.Group`: `targets` is a list of `host:port` strings (numbers
/// keep their text), `labels` a label set whose names must be valid UTF-8 label names.
public struct StaticConfig: Codable, Sendable, Equatable {
    public var targets: [String]
    public var labels: [String: String]

    enum CodingKeys: String, CodingKey, CaseIterable { case targets, labels }

    /// A group of `targets` with `labels`.
    public init(targets: [String], labels: [String: String] = [:]) {
        self.targets = targets
        self.labels = labels
    }

    public init(from decoder: any Decoder) throws {
        if decoder.isNullValue { throw decoder.error(from: .invalid("empty or null section in static_configs", at: "")) }
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "targetgroup.Group")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        targets = try c.value(.targets, [])
        labels = try c.value(.labels, [:])
        do {
            try LabelSetValidation.validate(labels, scheme: .utf8, at: "")
        } catch {
            throw try c.superDecoder(forKey: .labels).error(from: error)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(targets, forKey: .targets)
        try c.encode(labels, forKey: .labels)
    }
}

/// `file_sd_configs`: targets read from JSON or YAML files that Lantern watches.
///
/// Paths must end in `.json`, `.yml` or `.yaml` (all lower or all upper case) and may use `*` only in
/// the last path element; relative paths resolve against the config file's directory.
public struct FileSDConfig: Codable, Sendable, Equatable {
    public var files: [String]
    /// How often to re-read the files even without a change notification (default `5m`).
    public var refreshInterval: PromDuration

    enum CodingKeys: String, CodingKey, CaseIterable { case files, refreshInterval = "refresh_interval" }

    /// A file discovery over `files`.
    public init(files: [String], refreshInterval: PromDuration = .minutes(5)) {
        self.files = files
        self.refreshInterval = refreshInterval
    }

    public init(from decoder: any Decoder) throws {
        if decoder.isNullValue { throw decoder.error(from: .invalid("empty or null section in file_sd_configs", at: "")) }
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "file.SDConfig")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        files = try c.value(.files, [])
        refreshInterval = try c.value(.refreshInterval, .minutes(5))
        if files.isEmpty {
            throw decoder.error(from: .invalid("file service discovery config must contain at least one path name", at: ""))
        }
        for name in files where !Self.isValidPattern(name) {
            throw try c.superDecoder(forKey: .files).error(from: .invalid("path name \(quoted(name)) is not valid for file discovery", at: ""))
        }
    }

    /// `^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$`
    static func isValidPattern(_ name: String) -> Bool {
        let extensions = [".json", ".yml", ".yaml", ".JSON", ".YML", ".YAML"]
        guard let ext = extensions.first(where: { name.hasSuffix($0) }) else { return false }
        let stem = name.dropLast(ext.count)
        guard let star = stem.firstIndex(of: "*") else { return true }
        return !stem[star...].contains("/")
    }
}

/// `http_sd_configs`: targets fetched as JSON from an HTTP endpoint (an optional feature in Lantern).
public struct HTTPSDConfig: Codable, Sendable, Equatable {
    public var url: String
    /// How often to poll (default `1m`).
    public var refreshInterval: PromDuration
    public var httpClientConfig: HTTPClientConfig

    enum CodingKeys: String, CodingKey, CaseIterable { case url, refreshInterval = "refresh_interval" }

    public init(from decoder: any Decoder) throws {
        if decoder.isNullValue { throw decoder.error(from: .invalid("empty or null section in http_sd_configs", at: "")) }
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)).union(HTTPClientConfig.keys), type: "http.SDConfig",
                              unsupported: HTTPClientConfig.unsupportedKeys)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.value(.url, "")
        refreshInterval = try c.value(.refreshInterval, .minutes(1))
        httpClientConfig = try HTTPClientConfig(from: decoder, enableHTTP2Default: true)
        // Prometheus checks discovery blocks while decoding them (their UnmarshalYAML), so these
        // errors win over the job-level checks that run after the document is decoded.
        try validate(at: KeyPath.string(decoder.codingPath))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(refreshInterval, forKey: .refreshInterval)
        try httpClientConfig.encode(to: encoder)
    }

    mutating func validate(at path: String) throws(ConfigError) {
        if url.isEmpty { throw .invalid("URL is missing", at: path) }
        let parsed: URLSyntax.Parsed
        do { parsed = try URLSyntax.parse(url) } catch { throw .invalid(error.message, at: KeyPath.join(path, "url")) }
        if parsed.scheme != "http" && parsed.scheme != "https" { throw .invalid("URL scheme must be 'http' or 'https'", at: KeyPath.join(path, "url")) }
        if parsed.host.isEmpty { throw .invalid("host is missing in URL", at: KeyPath.join(path, "url")) }
        try httpClientConfig.validate(at: path)
    }
}
