/// The `--web.config.file` document: TLS, basic authentication and response headers for
/// Lantern's own HTTP server, in the format of Prometheus's exporter-toolkit
/// (https://prometheus.io/docs/prometheus/latest/configuration/https/).
///
/// It exists apart from `PrometheusConfig` because Prometheus keeps it apart: it is read at
/// start-up from its own file, validated by `promtool check web-config`, and says who may talk
/// to the server rather than what the server does. Parsing is as strict as `prometheus.yml`.
public struct WebConfig: Codable, Sendable, Equatable {
    /// `tls_server_config`; nil (or no certificate) serves plain HTTP.
    public var tlsServerConfig: TLSServerConfig?
    /// `http_server_config`.
    public var httpServerConfig: HTTPServerConfig
    /// `basic_auth_users`: user name → bcrypt hash of the password. Empty disables basic auth.
    public var basicAuthUsers: [String: Secret]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tlsServerConfig = "tls_server_config", httpServerConfig = "http_server_config"
        case basicAuthUsers = "basic_auth_users"
    }

    /// An empty web configuration: plain HTTP, no authentication.
    public init() {
        tlsServerConfig = nil
        httpServerConfig = HTTPServerConfig()
        basicAuthUsers = [:]
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "Config")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tlsServerConfig = try c.decodeIfPresent(TLSServerConfig.self, forKey: .tlsServerConfig)
        httpServerConfig = try c.value(.httpServerConfig, HTTPServerConfig())
        basicAuthUsers = try c.value(.basicAuthUsers, [:])
    }

    /// Whether the server must speak TLS (a certificate is configured).
    public var tlsEnabled: Bool { tlsServerConfig?.isEnabled ?? false }

    /// Checks every section; the first problem names its key path.
    /// - Throws: `ConfigError` (`.invalid`) naming the offending field.
    public func validate() throws(ConfigError) {
        try tlsServerConfig?.validate(at: CodingKeys.tlsServerConfig.rawValue)
        try httpServerConfig.validate(at: CodingKeys.httpServerConfig.rawValue)
        for (user, hash) in basicAuthUsers.sorted(by: { $0.key < $1.key }) {
            let path = KeyPath.join(CodingKeys.basicAuthUsers.rawValue, user)
            if user.contains(":") { throw .invalid("user names must not contain ':'", at: path) }
            guard Self.isBcryptHash(hash.value) else {
                throw .invalid("the password of user \(quoted(user)) is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 4-31, 60 characters)", at: path)
            }
        }
    }

    /// `$2a$`/`$2b$`/`$2y$`, a two-digit cost 04…31, `$`, then 53 characters of bcrypt's base64.
    static func isBcryptHash(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 60, b[0] == UInt8(ascii: "$"), b[1] == UInt8(ascii: "2"), b[3] == UInt8(ascii: "$"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(b[2]), b[6] == UInt8(ascii: "$"),
              let cost = Int(String(decoding: b[4...5], as: UTF8.self)), (4...31).contains(cost) else { return false }
        return b[7...].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x2F }
    }

    mutating func resolvePaths(relativeTo directory: String) {
        let resolve = PathResolver(directory: directory)
        tlsServerConfig?.resolvePaths(resolve)
    }
}

/// `http_server_config`: response headers and the HTTP/2 switch.
public struct HTTPServerConfig: Codable, Sendable, Equatable {
    /// `http2` (default true). Accepted and ignored: Lantern's server speaks HTTP/1.1 only, which
    /// every Prometheus client (promtool, Grafana, a Prometheus server) also speaks.
    public var http2: Bool
    /// `headers`: added to every response. Only the security headers exporter-toolkit allows.
    public var headers: [String: String]

    enum CodingKeys: String, CodingKey, CaseIterable { case http2, headers }

    /// Exporter-toolkit's allowed headers and, where it restricts them, their allowed values.
    static let allowedHeaders: [String: [String]] = [
        "Strict-Transport-Security": [], "X-Content-Type-Options": ["nosniff"],
        "X-Frame-Options": ["deny", "sameorigin"], "X-XSS-Protection": [], "Content-Security-Policy": [],
    ]

    /// The defaults: HTTP/2 on, no extra headers.
    public init() {
        http2 = true
        headers = [:]
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "HTTPConfig")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        http2 = try c.value(.http2, true)
        headers = try c.value(.headers, [:])
    }

    func validate(at path: String) throws(ConfigError) {
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            let at = KeyPath.join(KeyPath.join(path, CodingKeys.headers.rawValue), name)
            guard let allowed = Self.allowedHeaders[name] else {
                throw .invalid("HTTP header \(quoted(name)) can not be configured", at: at)
            }
            if !allowed.isEmpty, !allowed.contains(value) {
                throw .invalid("invalid value for \(name). Expected one of: \(allowed), but got: \(quoted(value))", at: at)
            }
        }
    }
}
