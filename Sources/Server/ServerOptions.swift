/// What `lantern serve` was asked to do: Prometheus's flag names, Lantern's defaults.
public struct ServerOptions: Sendable {
    /// `--config.file`; nil means `prometheus.yml` if it exists, else the embedded default.
    public var configFile: String?
    /// `--storage.path` (Prometheus: `--storage.tsdb.path`); a directory holding `lantern.db`.
    public var storagePath: String = "data/"
    /// `--storage.retention.time` in milliseconds (default 15d).
    public var retentionTime: Int64 = 15 * 24 * 3600 * 1000
    /// `--storage.retention.size` in bytes; 0 disables size-based retention.
    public var retentionSize: Int64 = 0
    /// `--storage.wal-checkpoint-size` (hidden): write-ahead bytes that start a head checkpoint.
    public var walCheckpointBytes: Int = 64 << 20
    /// `--web.listen-address`.
    public var listenAddress: String = "127.0.0.1:9090"
    /// `--web.enable-lifecycle`: allow `/-/reload` and `/-/quit` over HTTP.
    public var enableLifecycle: Bool = false
    /// `--web.config.file`: TLS, basic auth and headers for the HTTP server (exporter-toolkit format).
    public var webConfigFile: String?
    /// `--web.enable-admin-api`: allow `/api/v1/admin/tsdb/*` (delete series, snapshot).
    public var enableAdminAPI: Bool = false
    /// `--web.max-request-body-size` in bytes (default 10 MiB, Go's limit on a form body):
    /// the largest body any POST endpoint reads.
    public var maxRequestBodySize: Int = 10 << 20
    /// `--query.lookback-delta` in milliseconds (Prometheus's default 5m).
    public var queryLookbackDelta: Int64 = 300_000
    /// `--query.max-samples` (default 50,000,000).
    public var queryMaxSamples: Int = 50_000_000
    /// `--query.timeout` in milliseconds (default 2m).
    public var queryTimeout: Int64 = 120_000
    /// `--query.max-concurrency` (default 20).
    public var queryMaxConcurrency: Int = 20
    /// Every flag and its value as given or defaulted, for `/api/v1/status/flags`.
    public var flags: [String: String] = [:]

    public init() {}
}

/// A `host:port` listen address, parsed the way Go's `net.Listen` reads `--web.listen-address`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    /// - Throws: `ServerError` when the text is not `host:port` with a port in 0…65535.
    public init(parsing text: String) throws(ServerError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw ServerError.invalidFlag("--web.listen-address", text, "missing port in address")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ServerError.invalidFlag("--web.listen-address", text, "invalid port")
        }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
