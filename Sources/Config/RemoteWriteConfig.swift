public import Model

/// One `remote_write` endpoint: where to send samples, and how to queue and retry them.
///
/// Defaults are Prometheus's (`remote_timeout: 30s`, `protobuf_message: prometheus.WriteRequest`,
/// HTTP/2 off). Cloud authentication (`sigv4`, `azuread`, `google_iam`) and `oauth2` are reported as
/// not supported rather than ignored.
public struct RemoteWriteConfig: Codable, Sendable, Equatable {
    /// The wire format of a write request.
    public enum ProtobufMessage: String, Codable, Sendable, CaseIterable {
        case v1 = "prometheus.WriteRequest"
        case v2 = "io.prometheus.write.v2.Request"
    }

    public var url: ConfigURL?
    public var remoteTimeout: PromDuration
    public var headers: [String: String]
    public var writeRelabelConfigs: [RelabelConfig]
    public var name: String
    public var sendExemplars: Bool
    public var sendNativeHistograms: Bool
    public var roundRobinDNS: Bool
    public var protobufMessage: ProtobufMessage
    public var failedRequestLogging: Bool
    public var httpClientConfig: HTTPClientConfig
    public var queueConfig: QueueConfig
    public var metadataConfig: MetadataConfig

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, remoteTimeout = "remote_timeout", headers, writeRelabelConfigs = "write_relabel_configs", name
        case sendExemplars = "send_exemplars", sendNativeHistograms = "send_native_histograms"
        case roundRobinDNS = "round_robin_dns", protobufMessage = "protobuf_message"
        case failedRequestLogging = "failed_request_logging", queueConfig = "queue_config", metadataConfig = "metadata_config"
    }

    static let unsupportedKeys = HTTPClientConfig.unsupportedKeys.merging([
        "sigv4": "AWS SigV4 signing is not implemented",
        "azuread": "Azure AD authentication is not implemented",
        "google_iam": "Google IAM authentication is not implemented",
    ]) { a, _ in a }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)).union(HTTPClientConfig.keys), type: "RemoteWriteConfig",
                              unsupported: Self.unsupportedKeys)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decodeIfPresent(ConfigURL.self, forKey: .url)
        remoteTimeout = try c.value(.remoteTimeout, .seconds(30))
        headers = try c.value(.headers, [:])
        writeRelabelConfigs = try c.list(.writeRelabelConfigs, nullMessage: "empty or null relabeling rule in remote write config")
        name = try c.value(.name, "")
        sendExemplars = try c.value(.sendExemplars, false)
        sendNativeHistograms = try c.value(.sendNativeHistograms, false)
        roundRobinDNS = try c.value(.roundRobinDNS, false)
        let message = try c.value(.protobufMessage, ProtobufMessage.v1.rawValue)
        guard let m = ProtobufMessage(rawValue: message.isEmpty ? ProtobufMessage.v1.rawValue : message) else {
            throw try c.superDecoder(forKey: .protobufMessage).typeError(
                "invalid protobuf_message value: unknown type for remote write protobuf message \(message), supported: "
                    + ProtobufMessage.allCases.map(\.rawValue).joined(separator: ", "))
        }
        protobufMessage = m
        failedRequestLogging = try c.value(.failedRequestLogging, false)
        httpClientConfig = try HTTPClientConfig(from: decoder, enableHTTP2Default: false)
        queueConfig = try c.value(.queueConfig, QueueConfig())
        metadataConfig = try c.value(.metadataConfig, MetadataConfig())
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encode(remoteTimeout, forKey: .remoteTimeout)
        if !headers.isEmpty { try c.encode(headers, forKey: .headers) }
        if !writeRelabelConfigs.isEmpty { try c.encode(writeRelabelConfigs, forKey: .writeRelabelConfigs) }
        if !name.isEmpty { try c.encode(name, forKey: .name) }
        try c.encode(sendExemplars, forKey: .sendExemplars)
        try c.encode(sendNativeHistograms, forKey: .sendNativeHistograms)
        try c.encode(roundRobinDNS, forKey: .roundRobinDNS)
        try c.encode(protobufMessage, forKey: .protobufMessage)
        try c.encode(failedRequestLogging, forKey: .failedRequestLogging)
        try httpClientConfig.encode(to: encoder)
        try c.encode(queueConfig, forKey: .queueConfig)
        try c.encode(metadataConfig, forKey: .metadataConfig)
    }

    /// Prometheus's `RemoteWriteConfig.UnmarshalYAML` and `Validate` checks.
    mutating func validate(scheme: NameValidationScheme, at path: String) throws(ConfigError) {
        if url == nil || url?.string.isEmpty == true { throw .invalid("url for remote_write is empty", at: path) }
        try RemoteHeaders.validate(headers, at: KeyPath.join(path, "headers"))
        try httpClientConfig.validate(at: path)
        try queueConfig.validate(at: KeyPath.join(path, "queue_config"))
        if httpClientConfig.basicAuth != nil && httpClientConfig.authorization != nil {
            throw .invalid("at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured. Currently configured: [basic_auth authorization]", at: path)
        }
        for (i, rule) in writeRelabelConfigs.enumerated() {
            try rule.validate(scheme: scheme, at: KeyPath.index(KeyPath.join(path, "write_relabel_configs"), i))
        }
    }
}

/// `remote_write[].queue_config`: sharding, batching and retry of a remote write queue.
public struct QueueConfig: Codable, Sendable, Equatable {
    public var capacity: Int
    public var maxShards: Int
    public var minShards: Int
    public var maxSamplesPerSend: Int
    public var batchSendDeadline: PromDuration
    public var minBackoff: PromDuration
    public var maxBackoff: PromDuration
    public var retryOnHTTP429: Bool
    public var sampleAgeLimit: PromDuration

    enum CodingKeys: String, CodingKey, CaseIterable {
        case capacity, maxShards = "max_shards", minShards = "min_shards", maxSamplesPerSend = "max_samples_per_send"
        case batchSendDeadline = "batch_send_deadline", minBackoff = "min_backoff", maxBackoff = "max_backoff"
        case retryOnHTTP429 = "retry_on_http_429", sampleAgeLimit = "sample_age_limit"
    }

    /// Prometheus's defaults: 10000 capacity, 1…50 shards, 2000 per send, 5s deadline, 30ms…5s backoff.
    public init() {
        capacity = 10000; maxShards = 50; minShards = 1; maxSamplesPerSend = 2000
        batchSendDeadline = .seconds(5); minBackoff = PromDuration(milliseconds: 30); maxBackoff = .seconds(5)
        retryOnHTTP429 = false; sampleAgeLimit = .zero
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "QueueConfig")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = QueueConfig()
        capacity = try c.value(.capacity, d.capacity)
        maxShards = try c.value(.maxShards, d.maxShards)
        minShards = try c.value(.minShards, d.minShards)
        maxSamplesPerSend = try c.value(.maxSamplesPerSend, d.maxSamplesPerSend)
        batchSendDeadline = try c.value(.batchSendDeadline, d.batchSendDeadline)
        minBackoff = try c.value(.minBackoff, d.minBackoff)
        maxBackoff = try c.value(.maxBackoff, d.maxBackoff)
        retryOnHTTP429 = try c.value(.retryOnHTTP429, false)
        sampleAgeLimit = try c.value(.sampleAgeLimit, .zero)
    }

    func validate(at path: String) throws(ConfigError) {
        func fail(_ m: String) -> ConfigError { .invalid("remote write queue " + m, at: path) }
        if maxShards <= 0 { throw fail("max_shards must be positive") }
        if minShards <= 0 { throw fail("min_shards must be positive") }
        if minShards > maxShards { throw fail("min_shards must not be greater than max_shards") }
        if maxSamplesPerSend <= 0 { throw fail("max_samples_per_send must be positive") }
        if capacity <= 0 { throw fail("capacity must be positive") }
        if maxBackoff < minBackoff { throw fail("max_backoff must not be less than min_backoff") }
    }
}

/// `remote_write[].metadata_config`: whether and how often metric metadata is sent.
public struct MetadataConfig: Codable, Sendable, Equatable {
    public var send: Bool
    public var sendInterval: PromDuration
    public var maxSamplesPerSend: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case send, sendInterval = "send_interval", maxSamplesPerSend = "max_samples_per_send"
    }

    /// Prometheus's defaults: send every minute, 2000 per request.
    public init() { send = true; sendInterval = .minutes(1); maxSamplesPerSend = 2000 }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "MetadataConfig")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        send = try c.value(.send, true)
        sendInterval = try c.value(.sendInterval, .minutes(1))
        maxSamplesPerSend = try c.value(.maxSamplesPerSend, 2000)
    }
}

/// Header checks shared by remote write and remote read.
enum RemoteHeaders {
    static let reserved: Set<String> = [
        "host", "content-encoding", "content-length", "content-type", "user-agent", "connection", "keep-alive",
        "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
        "x-prometheus-remote-write-version", "x-prometheus-remote-read-version",
        "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
    ]

    static func validate(_ headers: [String: String], at path: String) throws(ConfigError) {
        for header in headers.keys.sorted() {
            if header.lowercased() == "authorization" {
                throw .invalid("authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter", at: path)
            }
            if reserved.contains(header.lowercased()) { throw .invalid("\(header) is a reserved header. It must not be changed", at: path) }
        }
    }
}
