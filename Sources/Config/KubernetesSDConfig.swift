/// `kubernetes_sd_configs`: discover targets from the Kubernetes API (all of Prometheus's fields).
///
/// The connection comes from the in-cluster service account (no `api_server`), an explicit
/// `api_server` (which may carry a path prefix, as Rancher-style proxies need) with HTTP client
/// settings, or a `kubeconfig_file`; the combinations Prometheus refuses are refused here too.
public struct KubernetesSDConfig: Codable, Sendable, Equatable {
    /// The kind of object to turn into targets.
    public enum Role: String, Codable, Sendable, CaseIterable {
        case pod, service, endpoints, endpointslice, node, ingress
    }

    /// `namespaces`: which namespaces to watch (all when empty).
    public struct Namespaces: Codable, Sendable, Equatable {
        public var ownNamespace: Bool
        public var names: [String]
        enum CodingKeys: String, CodingKey, CaseIterable { case ownNamespace = "own_namespace", names }

        public init(ownNamespace: Bool = false, names: [String] = []) {
            self.ownNamespace = ownNamespace
            self.names = names
        }

        public init(from decoder: any Decoder) throws {
            try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "kubernetes.NamespaceDiscovery")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ownNamespace = try c.value(.ownNamespace, false)
            names = try c.value(.names, [])
        }
    }

    /// One entry of `selectors`: label and field selectors applied to watches of `role`.
    public struct Selector: Codable, Sendable, Equatable {
        public var role: Role
        public var label: String
        public var field: String
        enum CodingKeys: String, CodingKey, CaseIterable { case role, label, field }

        public init(from decoder: any Decoder) throws {
            try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "kubernetes.SelectorConfig")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard let role = try KubernetesSDConfig.decodeRole(c, .role) else {
                throw decoder.error(from: .invalid("selector role missing", at: ""))
            }
            self.role = role
            label = try c.value(.label, "")
            field = try c.value(.field, "")
        }
    }

    /// `attach_metadata`: extra metadata to attach to targets.
    public struct AttachMetadata: Codable, Sendable, Equatable {
        public var node: Bool
        public var namespace: Bool
        public var deployment: Bool
        public var job: Bool
        public var cronjob: Bool
        enum CodingKeys: String, CodingKey, CaseIterable { case node, namespace, deployment, job, cronjob }

        public init() { node = false; namespace = false; deployment = false; job = false; cronjob = false }

        public init(from decoder: any Decoder) throws {
            try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "kubernetes.AttachMetadataConfig")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            node = try c.value(.node, false)
            namespace = try c.value(.namespace, false)
            deployment = try c.value(.deployment, false)
            job = try c.value(.job, false)
            cronjob = try c.value(.cronjob, false)
        }
    }

    public var apiServer: ConfigURL?
    public var role: Role
    public var kubeconfigFile: String
    public var namespaces: Namespaces
    public var selectors: [Selector]
    public var attachMetadata: AttachMetadata
    public var httpClientConfig: HTTPClientConfig

    enum CodingKeys: String, CodingKey, CaseIterable {
        case apiServer = "api_server", role, kubeconfigFile = "kubeconfig_file", namespaces, selectors
        case attachMetadata = "attach_metadata"
    }

    public init(from decoder: any Decoder) throws {
        if decoder.isNullValue { throw decoder.error(from: .invalid("empty or null section in kubernetes_sd_configs", at: "")) }
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)).union(HTTPClientConfig.keys), type: "kubernetes.SDConfig",
                              unsupported: HTTPClientConfig.unsupportedKeys)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiServer = try c.decodeIfPresent(ConfigURL.self, forKey: .apiServer)
        if apiServer?.string.isEmpty == true { apiServer = nil }
        guard let role = try Self.decodeRole(c, .role) else {
            throw decoder.error(from: .invalid("role missing (one of: pod, service, endpoints, endpointslice, node, ingress)", at: ""))
        }
        self.role = role
        kubeconfigFile = try c.value(.kubeconfigFile, "")
        namespaces = try c.value(.namespaces, Namespaces())
        selectors = try c.value(.selectors, [])
        attachMetadata = try c.value(.attachMetadata, AttachMetadata())
        httpClientConfig = try HTTPClientConfig(from: decoder, enableHTTP2Default: true)
        // Prometheus checks discovery blocks while decoding them (their UnmarshalYAML), so these
        // errors win over the job-level checks that run after the document is decoded.
        try validate(at: KeyPath.string(decoder.codingPath))
    }

    static func decodeRole<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Role? {
        guard let raw = try c.decodeIfPresent(String.self, forKey: key), !raw.isEmpty else { return nil }
        guard let role = Role(rawValue: raw) else {
            throw try c.superDecoder(forKey: key).typeError("unknown Kubernetes SD role \(quoted(raw))")
        }
        return role
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(apiServer, forKey: .apiServer)
        try c.encode(role, forKey: .role)
        if !kubeconfigFile.isEmpty { try c.encode(kubeconfigFile, forKey: .kubeconfigFile) }
        try c.encode(namespaces, forKey: .namespaces)
        if !selectors.isEmpty { try c.encode(selectors, forKey: .selectors) }
        try c.encode(attachMetadata, forKey: .attachMetadata)
        try httpClientConfig.encode(to: encoder)
    }

    static let allowedSelectors: [Role: [Role]] = [
        .pod: [.pod, .node], .service: [.service], .endpointslice: [.pod, .service, .endpointslice],
        .endpoints: [.pod, .service, .endpoints], .node: [.node], .ingress: [.ingress],
    ]

    /// Prometheus's `kubernetes.SDConfig` checks.
    mutating func validate(at path: String) throws(ConfigError) {
        func fail(_ m: String) -> ConfigError { .invalid(m, at: path) }
        let customHTTP = httpClientConfig != HTTPClientConfig()
        try httpClientConfig.validate(at: path)
        if apiServer != nil && !kubeconfigFile.isEmpty { throw fail("cannot use 'kubeconfig_file' and 'api_server' simultaneously") }
        if !kubeconfigFile.isEmpty && customHTTP {
            throw fail("cannot use a custom HTTP client configuration together with 'kubeconfig_file'")
        }
        if apiServer == nil && customHTTP {
            throw fail("to use custom HTTP client configuration please provide the 'api_server' URL explicitly")
        }
        if apiServer != nil && namespaces.ownNamespace {
            throw fail("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously")
        }
        if !kubeconfigFile.isEmpty && namespaces.ownNamespace {
            throw fail("cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously")
        }
        var seen = Set<Role>()
        for (i, selector) in selectors.enumerated() {
            let sp = KeyPath.index(KeyPath.join(path, "selectors"), i)
            if !seen.insert(selector.role).inserted { throw .invalid("duplicated selector role: \(selector.role.rawValue)", at: sp) }
            let allowed = Self.allowedSelectors[role] ?? []
            if !allowed.contains(selector.role) {
                throw .invalid("\(role.rawValue) role supports only \(allowed.map(\.rawValue).joined(separator: ", ")) selectors", at: sp)
            }
            do {
                try KubernetesSelectorSyntax.validateField(selector.field)
                try KubernetesSelectorSyntax.validateLabel(selector.label)
            } catch { throw .invalid(error.message, at: sp) }
        }
    }

    mutating func resolvePaths(_ resolve: PathResolver) {
        kubeconfigFile = resolve(kubeconfigFile)
        httpClientConfig.resolvePaths(resolve)
    }
}
