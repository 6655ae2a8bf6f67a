public import Model

/// The `alerting` section. Lantern parses and validates it (so a Prometheus config loads unchanged)
/// but does not send alerts.
public struct AlertingConfig: Codable, Sendable, Equatable {
    public var alertRelabelConfigs: [RelabelConfig]
    public var alertmanagers: [AlertmanagerConfig]

    enum CodingKeys: String, CodingKey, CaseIterable { case alertRelabelConfigs = "alert_relabel_configs", alertmanagers }

    /// No alerting.
    public init() { alertRelabelConfigs = []; alertmanagers = [] }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "AlertingConfig")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        alertRelabelConfigs = try c.list(.alertRelabelConfigs, nullMessage: "empty or null alert relabeling rule")
        alertmanagers = try c.list(.alertmanagers, nullMessage: "empty or null alertmanager config section")
    }

    mutating func validate(scheme: NameValidationScheme, at path: String) throws(ConfigError) {
        for (i, rule) in alertRelabelConfigs.enumerated() {
            try rule.validate(scheme: scheme, at: KeyPath.index(KeyPath.join(path, "alert_relabel_configs"), i))
        }
        for i in alertmanagers.indices {
            try alertmanagers[i].validate(scheme: scheme, at: KeyPath.index(KeyPath.join(path, "alertmanagers"), i))
        }
    }
}

/// One `alerting.alertmanagers` entry: how to discover and reach Alertmanagers (parsed, not used).
public struct AlertmanagerConfig: Codable, Sendable, Equatable {
    public var httpClientConfig: HTTPClientConfig
    public var scheme: String
    public var pathPrefix: String
    public var timeout: PromDuration
    public var apiVersion: String
    public var staticConfigs: [StaticConfig]
    public var fileSDConfigs: [FileSDConfig]
    public var kubernetesSDConfigs: [KubernetesSDConfig]
    public var httpSDConfigs: [HTTPSDConfig]
    public var relabelConfigs: [RelabelConfig]
    public var alertRelabelConfigs: [RelabelConfig]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scheme, pathPrefix = "path_prefix", timeout, apiVersion = "api_version"
        case staticConfigs = "static_configs", fileSDConfigs = "file_sd_configs"
        case kubernetesSDConfigs = "kubernetes_sd_configs", httpSDConfigs = "http_sd_configs"
        case relabelConfigs = "relabel_configs", alertRelabelConfigs = "alert_relabel_configs"
    }

    public init(from decoder: any Decoder) throws {
        var unsupported = HTTPClientConfig.unsupportedKeys
        unsupported["sigv4"] = "AWS SigV4 signing is not implemented"
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)).union(HTTPClientConfig.keys), type: "AlertmanagerConfig",
                              unsupported: unsupported, discoveryKeys: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        httpClientConfig = try HTTPClientConfig(from: decoder, enableHTTP2Default: true)
        scheme = try c.value(.scheme, "http")
        pathPrefix = try c.value(.pathPrefix, "")
        timeout = try c.value(.timeout, .seconds(10))
        apiVersion = try c.value(.apiVersion, "v2")
        if apiVersion != "v2" {
            throw try c.superDecoder(forKey: .apiVersion).typeError("expected Alertmanager api version to be one of [v2] but got \(apiVersion)")
        }
        staticConfigs = try c.list(.staticConfigs, nullMessage: "empty or null section in static_configs")
        fileSDConfigs = try c.list(.fileSDConfigs, nullMessage: "empty or null section in file_sd_configs")
        kubernetesSDConfigs = try c.list(.kubernetesSDConfigs, nullMessage: "empty or null section in kubernetes_sd_configs")
        httpSDConfigs = try c.list(.httpSDConfigs, nullMessage: "empty or null section in http_sd_configs")
        relabelConfigs = try c.list(.relabelConfigs, nullMessage: "empty or null Alertmanager target relabeling rule")
        alertRelabelConfigs = try c.list(.alertRelabelConfigs, nullMessage: "empty or null Alertmanager alert relabeling rule")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(pathPrefix, forKey: .pathPrefix)
        try c.encode(timeout, forKey: .timeout)
        try c.encode(apiVersion, forKey: .apiVersion)
        try c.encode(staticConfigs, forKey: .staticConfigs)
        try c.encode(fileSDConfigs, forKey: .fileSDConfigs)
        try c.encode(kubernetesSDConfigs, forKey: .kubernetesSDConfigs)
        try c.encode(httpSDConfigs, forKey: .httpSDConfigs)
        try c.encode(relabelConfigs, forKey: .relabelConfigs)
        try c.encode(alertRelabelConfigs, forKey: .alertRelabelConfigs)
        try httpClientConfig.encode(to: encoder)
    }

    mutating func validate(scheme nameScheme: NameValidationScheme, at path: String) throws(ConfigError) {
        try httpClientConfig.validate(at: path)
        if relabelConfigs.isEmpty {
            for (i, group) in staticConfigs.enumerated() {
                for target in group.targets where target.contains("/") {
                    throw .invalid("\(quoted(target)) is not a valid hostname", at: KeyPath.index(KeyPath.join(path, "static_configs"), i))
                }
            }
        }
        for (i, rule) in alertRelabelConfigs.enumerated() {
            try rule.validate(scheme: nameScheme, at: KeyPath.index(KeyPath.join(path, "alert_relabel_configs"), i))
        }
        for (i, rule) in relabelConfigs.enumerated() {
            try rule.validate(scheme: nameScheme, at: KeyPath.index(KeyPath.join(path, "relabel_configs"), i))
        }
    }

    mutating func resolvePaths(_ resolve: PathResolver) {
        httpClientConfig.resolvePaths(resolve)
        for i in fileSDConfigs.indices { fileSDConfigs[i].files = fileSDConfigs[i].files.map { resolve($0) } }
        for i in kubernetesSDConfigs.indices { kubernetesSDConfigs[i].resolvePaths(resolve) }
        for i in httpSDConfigs.indices { httpSDConfigs[i].httpClientConfig.resolvePaths(resolve) }
    }
}
