public import Model

/// The whole `prometheus.yml` document, decoded strictly, defaulted and validated.
///
/// This is what the server holds and compares on reload; obtain one through `ConfigLoader` (which
/// reads, decodes, validates and resolves relative paths) rather than by decoding it yourself.
/// Sections Prometheus has but Lantern does not implement (`tracing`, `otlp`, `runtime`,
/// `scrape_config_files`) are refused as "not supported"; `rule_files` and `alerting` are parsed and
/// validated but not acted on.
public struct PrometheusConfig: Codable, Sendable, Equatable {
    public var global: GlobalConfig
    public var alerting: AlertingConfig
    /// Rule file paths or globs (`*` only in the last element); resolved against the config's directory.
    public var ruleFiles: [String]
    public var scrapeConfigs: [ScrapeConfig]
    public var storage: StorageConfig
    public var remoteWrite: [RemoteWriteConfig]
    public var remoteRead: [RemoteReadConfig]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case global, alerting, ruleFiles = "rule_files", scrapeConfigs = "scrape_configs", storage
        case remoteWrite = "remote_write", remoteRead = "remote_read"
    }

    static let unsupportedSections = [
        "tracing": "tracing export is not implemented",
        "otlp": "OTLP ingestion is not implemented",
        "runtime": "Go runtime tuning does not apply",
        "scrape_config_files": "scrape configs must be inline",
    ]

    /// An empty configuration with Prometheus's defaults (no jobs).
    public init() {
        global = GlobalConfig(); alerting = AlertingConfig(); ruleFiles = []; scrapeConfigs = []
        storage = StorageConfig(); remoteWrite = []; remoteRead = []
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "Config", unsupported: Self.unsupportedSections)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        global = try c.value(.global, GlobalConfig())
        alerting = try c.value(.alerting, AlertingConfig())
        ruleFiles = try c.value(.ruleFiles, [])
        scrapeConfigs = try c.list(.scrapeConfigs, nullMessage: "empty or null scrape config section")
        storage = try c.value(.storage, StorageConfig())
        remoteWrite = try c.list(.remoteWrite, nullMessage: "empty or null remote write config section")
        remoteRead = try c.list(.remoteRead, nullMessage: "empty or null remote read config section")
    }

    /// Applies defaults and inheritance and runs every cross-field check, in Prometheus's order.
    /// Idempotent: validating a validated config changes nothing.
    /// - Throws: `ConfigError` naming the key path of the first problem.
    public mutating func validate() throws(ConfigError) {
        try global.validate(at: "global")
        try storage.tsdb.validate(at: "storage.tsdb")
        for i in scrapeConfigs.indices { try scrapeConfigs[i].validateOwnFields(at: KeyPath.index("scrape_configs", i)) }
        for i in remoteWrite.indices {
            try remoteWrite[i].validate(scheme: global.metricNameValidationScheme, at: KeyPath.index("remote_write", i))
        }
        for i in remoteRead.indices { try remoteRead[i].validate(at: KeyPath.index("remote_read", i)) }
        for (i, pattern) in ruleFiles.enumerated() where !Self.isValidRulePath(pattern) {
            throw .invalid("invalid rule file path \(quoted(pattern))", at: KeyPath.index("rule_files", i))
        }
        var jobs = Set<String>()
        for i in scrapeConfigs.indices {
            let path = KeyPath.index("scrape_configs", i)
            try scrapeConfigs[i].applyGlobal(global, at: path)
            if !jobs.insert(scrapeConfigs[i].jobName).inserted {
                throw .invalid("found multiple scrape configs with job name \(quoted(scrapeConfigs[i].jobName))", at: KeyPath.join(path, "job_name"))
            }
        }
        global.resolveEscaping()
        try alerting.validate(scheme: global.metricNameValidationScheme, at: "alerting")
        try Self.checkUniqueNames(remoteWrite.map(\.name), kind: "remote write", key: "remote_write")
        try Self.checkUniqueNames(remoteRead.map(\.name), kind: "remote read", key: "remote_read")
    }

    private static func checkUniqueNames(_ names: [String], kind: String, key: String) throws(ConfigError) {
        var seen = Set<String>()
        for (i, name) in names.enumerated() where !name.isEmpty && !seen.insert(name).inserted {
            throw .invalid("found multiple \(kind) configs with job name \(quoted(name))", at: KeyPath.join(KeyPath.index(key, i), "name"))
        }
    }

    /// `^[^*]*(\*[^/]*)?$`: a `*` only in the last path element.
    static func isValidRulePath(_ p: String) -> Bool {
        guard let star = p.firstIndex(of: "*") else { return true }
        return !p[p.index(after: star)...].contains("/") && !p[p.index(after: star)...].contains("*")
    }

    /// Joins every relative file path with `directory` (the config file's directory).
    public mutating func resolvePaths(relativeTo directory: String) {
        let resolve = PathResolver(directory: directory)
        global.queryLogFile = resolve(global.queryLogFile)
        global.scrapeFailureLogFile = resolve(global.scrapeFailureLogFile)
        ruleFiles = ruleFiles.map { resolve($0) }
        for i in scrapeConfigs.indices { scrapeConfigs[i].resolvePaths(resolve) }
        for i in remoteWrite.indices { remoteWrite[i].httpClientConfig.resolvePaths(resolve) }
        for i in remoteRead.indices { remoteRead[i].httpClientConfig.resolvePaths(resolve) }
        for i in alerting.alertmanagers.indices { alerting.alertmanagers[i].resolvePaths(resolve) }
    }

    /// The scrape job named `jobName`, if any.
    public func scrapeConfig(named jobName: String) -> ScrapeConfig? { scrapeConfigs.first { $0.jobName == jobName } }
}
