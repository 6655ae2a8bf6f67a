internal import Model

/// One `remote_read` endpoint that queries may fan out to.
///
/// Defaults are Prometheus's: `remote_timeout: 1m`, `read_recent: false`,
/// `filter_external_labels: true`, HTTP/2 on.
public struct RemoteReadConfig: Codable, Sendable, Equatable {
    public var url: ConfigURL?
    public var remoteTimeout: PromDuration
    public var chunkedReadLimit: UInt64
    public var headers: [String: String]
    public var readRecent: Bool
    public var name: String
    public var httpClientConfig: HTTPClientConfig
    /// Equality matchers a query must contain to be sent to this endpoint.
    public var requiredMatchers: [String: String]
    public var filterExternalLabels: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, remoteTimeout = "remote_timeout", chunkedReadLimit = "chunked_read_limit", headers
        case readRecent = "read_recent", name, requiredMatchers = "required_matchers"
        case filterExternalLabels = "filter_external_labels"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)).union(HTTPClientConfig.keys), type: "RemoteReadConfig",
                              unsupported: HTTPClientConfig.unsupportedKeys)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decodeIfPresent(ConfigURL.self, forKey: .url)
        remoteTimeout = try c.value(.remoteTimeout, .minutes(1))
        chunkedReadLimit = try c.value(.chunkedReadLimit, 50_000_000)
        headers = try c.value(.headers, [:])
        readRecent = try c.value(.readRecent, false)
        name = try c.value(.name, "")
        requiredMatchers = try c.value(.requiredMatchers, [:])
        filterExternalLabels = try c.value(.filterExternalLabels, true)
        httpClientConfig = try HTTPClientConfig(from: decoder, enableHTTP2Default: true)
        do {
            try LabelSetValidation.validate(requiredMatchers, scheme: .utf8, at: "")
        } catch {
            throw try c.superDecoder(forKey: .requiredMatchers).error(from: error)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encode(remoteTimeout, forKey: .remoteTimeout)
        try c.encode(chunkedReadLimit, forKey: .chunkedReadLimit)
        if !headers.isEmpty { try c.encode(headers, forKey: .headers) }
        try c.encode(readRecent, forKey: .readRecent)
        if !name.isEmpty { try c.encode(name, forKey: .name) }
        try c.encode(requiredMatchers, forKey: .requiredMatchers)
        try c.encode(filterExternalLabels, forKey: .filterExternalLabels)
        try httpClientConfig.encode(to: encoder)
    }

    mutating func validate(at path: String) throws(ConfigError) {
        if url == nil || url?.string.isEmpty == true { throw .invalid("url for remote_read is empty", at: path) }
        try RemoteHeaders.validate(headers, at: KeyPath.join(path, "headers"))
        try httpClientConfig.validate(at: path)
    }
}
