public import Config
public import Model

/// A job's scrape behaviour, resolved from its `scrape_config` once per (re)load and shared by
/// every loop of the pool. Equatable so an unchanged job keeps its loops on reload.
public struct ScrapeSettings: Sendable, Equatable {
    public var jobName: String
    public var honorLabels = false
    public var honorTimestamps = true
    public var sampleLimit = 0
    public var labelLimit = 0
    public var labelNameLengthLimit = 0
    public var labelValueLengthLimit = 0
    public var bodySizeLimit: Int64 = 0
    public var enableCompression = true
    public var acceptHeader: String
    /// Used when the response's Content-Type is missing or unknown (`fallback_scrape_protocol`).
    public var fallbackProtocol: ScrapeProtocol?
    public var metricRelabelRules: [RelabelRule] = []
    public var credentials = ScrapeCredentials()
    public var tls = HTTPScrapeRequest.TLS()
    public var proxyURL: String?
    public var followRedirects = true
    /// The `User-Agent` header.
    public var userAgent = "Lantern/0.1.0"

    public init(jobName: String, acceptHeader: String) {
        self.jobName = jobName
        self.acceptHeader = acceptHeader
    }

    /// The HTTP request for one target.
    /// - Throws: `ScrapeError` when a credentials file cannot be read.
    func request(for target: ScrapeTarget) throws -> HTTPScrapeRequest {
        var r = HTTPScrapeRequest(url: target.url, timeoutMillis: target.timeoutMillis, acceptHeader: acceptHeader, userAgent: userAgent)
        r.enableCompression = enableCompression
        let creds = try credentials.resolve()
        r.basicAuth = creds.basic.map { (username: $0.0, password: $0.1) }
        r.authorization = creds.authorization.map { (type: $0.0, credentials: $0.1) }
        r.tls = tls
        r.proxyURL = proxyURL
        r.followRedirects = followRedirects
        r.bodySizeLimit = bodySizeLimit
        return r
    }
}
