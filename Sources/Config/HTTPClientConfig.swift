/// The HTTP client settings Prometheus inlines into scrape jobs, remote write/read and discovery.
///
/// In YAML these keys sit directly on their owner (`basic_auth`, `tls_config`, `follow_redirects`, …);
/// owners decode this struct from their own decoder and add `HTTPClientConfig.keys` to the keys they
/// accept. Validation follows Prometheus's `HTTPClientConfig.Validate`, including folding the legacy
/// `bearer_token(_file)` into `authorization`.
public struct HTTPClientConfig: Codable, Sendable, Equatable {
    public var basicAuth: BasicAuth?
    public var authorization: Authorization?
    /// Legacy; moved into `authorization` by validation.
    public var bearerToken: Secret
    /// Legacy; moved into `authorization` by validation.
    public var bearerTokenFile: String
    public var tlsConfig: TLSConfig
    public var followRedirects: Bool
    public var enableHTTP2: Bool
    public var proxyURL: ConfigURL?
    public var noProxy: String
    public var proxyFromEnvironment: Bool
    public var proxyConnectHeader: [String: [Secret]]
    public var httpHeaders: [String: HTTPHeader]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case basicAuth = "basic_auth", authorization, bearerToken = "bearer_token", bearerTokenFile = "bearer_token_file"
        case tlsConfig = "tls_config", followRedirects = "follow_redirects", enableHTTP2 = "enable_http2"
        case proxyURL = "proxy_url", noProxy = "no_proxy", proxyFromEnvironment = "proxy_from_environment"
        case proxyConnectHeader = "proxy_connect_header", httpHeaders = "http_headers"
    }

    /// Every YAML key this struct reads, for the owner's unknown-key check.
    static let keys = Set(CodingKeys.allCases.map(\.rawValue))
    /// Keys Prometheus accepts here that Lantern does not implement.
    static let unsupportedKeys = ["oauth2": "OAuth 2.0 client credentials are not implemented"]

    /// Prometheus's `DefaultHTTPClientConfig` (HTTP/2 on) or, with `enableHTTP2: false`, remote write's.
    public init(enableHTTP2: Bool = true) {
        basicAuth = nil; authorization = nil; bearerToken = ""; bearerTokenFile = ""
        tlsConfig = TLSConfig(); followRedirects = true; self.enableHTTP2 = enableHTTP2
        proxyURL = nil; noProxy = ""; proxyFromEnvironment = false; proxyConnectHeader = [:]; httpHeaders = nil
    }

    public init(from decoder: any Decoder) throws { try self.init(from: decoder, enableHTTP2Default: true) }

    /// Decodes the inlined keys from the owner's decoder (the owner checks unknown keys).
    init(from decoder: any Decoder, enableHTTP2Default: Bool) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        basicAuth = try c.decodeIfPresent(BasicAuth.self, forKey: .basicAuth)
        if basicAuth == nil, c.has(.basicAuth) { basicAuth = BasicAuth() }
        authorization = try c.decodeIfPresent(Authorization.self, forKey: .authorization)
        if authorization == nil, c.has(.authorization) { authorization = Authorization(type: "") }
        bearerToken = try c.value(.bearerToken, "")
        bearerTokenFile = try c.value(.bearerTokenFile, "")
        tlsConfig = try c.value(.tlsConfig, TLSConfig())
        followRedirects = try c.value(.followRedirects, true)
        enableHTTP2 = try c.value(.enableHTTP2, enableHTTP2Default)
        proxyURL = try c.decodeIfPresent(ConfigURL.self, forKey: .proxyURL)
        if proxyURL?.string.isEmpty == true { proxyURL = nil }
        noProxy = try c.value(.noProxy, "")
        proxyFromEnvironment = try c.value(.proxyFromEnvironment, false)
        proxyConnectHeader = try c.value(.proxyConnectHeader, [:])
        httpHeaders = try c.decodeIfPresent([String: HTTPHeader].self, forKey: .httpHeaders)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(basicAuth, forKey: .basicAuth)
        try c.encodeIfPresent(authorization, forKey: .authorization)
        if !bearerToken.isEmpty { try c.encode(bearerToken, forKey: .bearerToken) }
        if !bearerTokenFile.isEmpty { try c.encode(bearerTokenFile, forKey: .bearerTokenFile) }
        try c.encode(tlsConfig, forKey: .tlsConfig)
        try c.encode(followRedirects, forKey: .followRedirects)
        try c.encode(enableHTTP2, forKey: .enableHTTP2)
        try c.encodeIfPresent(proxyURL, forKey: .proxyURL)
        if !noProxy.isEmpty { try c.encode(noProxy, forKey: .noProxy) }
        if proxyFromEnvironment { try c.encode(proxyFromEnvironment, forKey: .proxyFromEnvironment) }
        if !proxyConnectHeader.isEmpty { try c.encode(proxyConnectHeader, forKey: .proxyConnectHeader) }
        try c.encodeIfPresent(httpHeaders, forKey: .httpHeaders)
    }

    /// Prometheus's checks, in its order; also moves `bearer_token(_file)` into `authorization`.
    /// - Parameter path: the owner's key path (the keys are inlined there).
    mutating func validate(at path: String) throws(ConfigError) {
        let hasBearer = !bearerToken.isEmpty || !bearerTokenFile.isEmpty
        if !bearerToken.isEmpty && !bearerTokenFile.isEmpty {
            throw .invalid("at most one of bearer_token & bearer_token_file must be configured", at: path)
        }
        if basicAuth != nil && hasBearer {
            throw .invalid("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured", at: path)
        }
        try basicAuth?.validate(at: KeyPath.join(path, "basic_auth"))
        if var auth = authorization {
            let authPath = KeyPath.join(path, "authorization")
            if hasBearer { throw .invalid("authorization is not compatible with bearer_token & bearer_token_file", at: path) }
            if !auth.credentials.isEmpty && !auth.credentialsFile.isEmpty {
                throw .invalid("at most one of authorization credentials & credentials_file must be configured", at: authPath)
            }
            auth.type = auth.type.trimmingWhitespace()
            if auth.type.isEmpty { auth.type = "Bearer" }
            if auth.type.lowercased() == "basic" {
                throw .invalid(#"authorization type cannot be set to "basic", use "basic_auth" instead"#, at: authPath)
            }
            if basicAuth != nil { throw .invalid("at most one of basic_auth, oauth2 & authorization must be configured", at: path) }
            authorization = auth
        } else if !bearerToken.isEmpty {
            authorization = Authorization(type: "Bearer", credentials: bearerToken)
            bearerToken = ""
        } else if !bearerTokenFile.isEmpty {
            authorization = Authorization(type: "Bearer", credentialsFile: bearerTokenFile)
            bearerTokenFile = ""
        }
        try tlsConfig.validate(at: KeyPath.join(path, "tls_config"))
        try validateProxy(at: path)
        for name in (httpHeaders ?? [:]).keys.sorted() where Self.reservedHeaders.contains(canonicalHeaderKey(name)) {
            throw .invalid("setting header \(quoted(canonicalHeaderKey(name))) is not allowed", at: KeyPath.join(path, "http_headers"))
        }
    }

    private func validateProxy(at path: String) throws(ConfigError) {
        let hasURL = proxyURL != nil
        if !proxyConnectHeader.isEmpty && !proxyFromEnvironment && !hasURL {
            throw .invalid("if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured", at: path)
        }
        if proxyFromEnvironment && hasURL {
            throw .invalid("if proxy_from_environment is configured, proxy_url must not be configured", at: path)
        }
        if proxyFromEnvironment && !noProxy.isEmpty {
            throw .invalid("if proxy_from_environment is configured, no_proxy must not be configured", at: path)
        }
        if !hasURL && !noProxy.isEmpty {
            throw .invalid("if no_proxy is configured, proxy_url must also be configured", at: path)
        }
    }

    static let reservedHeaders: Set<String> = [
        "Authorization", "Host", "Content-Encoding", "Content-Length", "Content-Type", "User-Agent", "Connection",
        "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Www-Authenticate", "Accept-Encoding",
        "X-Prometheus-Remote-Write-Version", "X-Prometheus-Remote-Read-Version", "X-Prometheus-Scrape-Timeout-Seconds",
        "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
    ]

    mutating func resolvePaths(_ resolve: PathResolver) {
        if var b = basicAuth {
            b.usernameFile = resolve(b.usernameFile)
            b.passwordFile = resolve(b.passwordFile)
            basicAuth = b
        }
        if var a = authorization {
            a.credentialsFile = resolve(a.credentialsFile)
            authorization = a
        }
        bearerTokenFile = resolve(bearerTokenFile)
        tlsConfig.resolvePaths(resolve)
        if var headers = httpHeaders {
            for (name, var header) in headers {
                header.files = header.files.map { resolve($0) }
                headers[name] = header
            }
            httpHeaders = headers
        }
    }
}

/// Go's `http.CanonicalHeaderKey`: `x-scope-orgid` → `X-Scope-Orgid`.
func canonicalHeaderKey(_ name: String) -> String {
    var upper = true
    var out = ""
    for c in name {
        out.append(upper ? Character(c.uppercased()) : Character(c.lowercased()))
        upper = c == "-"
    }
    return out
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
