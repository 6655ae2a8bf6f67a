/// Everything one scrape's HTTP transfer needs, resolved from the job's configuration.
public struct HTTPScrapeRequest: Sendable, Equatable {
    /// TLS settings of `tls_config`.
    public struct TLS: Sendable, Equatable {
        public var caFile: String?
        public var certFile: String?
        public var keyFile: String?
        public var serverName: String?
        public var insecureSkipVerify = false
        /// `TLS10`…`TLS13`; nil lets libcurl choose.
        public var minVersion: String?
        public init() {}
    }

    public var url: String
    /// `scrape_timeout` in milliseconds; the whole transfer is aborted past it.
    public var timeoutMillis: Int64
    public var acceptHeader: String
    public var userAgent: String
    /// Ask for gzip (`enable_compression`); libcurl inflates the body as it arrives.
    public var enableCompression = true
    public var basicAuth: (username: String, password: String)?
    /// `authorization` type and credentials, e.g. ("Bearer", token).
    public var authorization: (type: String, credentials: String)?
    public var tls = TLS()
    public var proxyURL: String?
    public var followRedirects = true
    /// `body_size_limit` in bytes; 0 = unlimited. Past it the transfer stops and the scrape fails.
    public var bodySizeLimit: Int64 = 0
    /// Extra request headers.
    public var headers: [(String, String)] = []

    public init(url: String, timeoutMillis: Int64, acceptHeader: String, userAgent: String) {
        self.url = url
        self.timeoutMillis = timeoutMillis
        self.acceptHeader = acceptHeader
        self.userAgent = userAgent
    }

    public static func == (a: HTTPScrapeRequest, b: HTTPScrapeRequest) -> Bool {
        a.url == b.url && a.timeoutMillis == b.timeoutMillis && a.acceptHeader == b.acceptHeader && a.userAgent == b.userAgent
            && a.enableCompression == b.enableCompression && a.basicAuth?.username == b.basicAuth?.username
            && a.basicAuth?.password == b.basicAuth?.password && a.authorization?.type == b.authorization?.type
            && a.authorization?.credentials == b.authorization?.credentials && a.tls == b.tls && a.proxyURL == b.proxyURL
            && a.followRedirects == b.followRedirects && a.bodySizeLimit == b.bodySizeLimit
            && a.headers.map { $0.0 + "\u{0}" + $0.1 } == b.headers.map { $0.0 + "\u{0}" + $0.1 }
    }
}

/// A finished transfer: status, the response's Content-Type and the (decompressed) body.
public struct HTTPScrapeResponse: Sendable {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]
}

/// Why a transfer failed, with the target URL; `description` is what `/api/v1/targets` shows.
public struct HTTPScrapeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case timeout, bodySizeLimit, transport, status, cancelled }
    public let kind: Kind
    public let url: String
    public let message: String

    public var description: String {
        switch kind {
        case .timeout: return "Get \"\(url)\": context deadline exceeded"
        case .bodySizeLimit: return "body size limit exceeded: \(message)"
        case .status: return "server returned HTTP status \(message)"
        case .transport: return "Get \"\(url)\": \(message)"
        case .cancelled: return "Get \"\(url)\": context canceled"
        }
    }
}
