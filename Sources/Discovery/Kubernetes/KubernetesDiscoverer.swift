public import Config
import Foundation
public import Logging
public import Model

/// `kubernetes_sd_configs`: targets from the Kubernetes API for the roles node, pod, service,
/// endpoints, endpointslice and ingress (Prometheus `discovery/kubernetes`).
///
/// One informer per collection (primary and auxiliary, per namespace) lists and then watches
/// over a streaming libcurl transfer; one state loop owns every cache and emits groups. Nothing
/// is sent until every collection has listed once; then the full state, then one group per
/// change. Connection problems are logged, counted in `KubernetesSDMetrics`, and retried with
/// back-off, so `run` only returns when its task is cancelled.
public struct KubernetesDiscoverer: Discoverer {
    /// Knobs that are not part of the configuration file.
    public struct Options: Sendable {
        /// Delays between retries after failures.
        public var backoff: BackoffPolicy = .standard
        /// `User-Agent` of every request.
        public var userAgent = "lantern"
        /// Environment for in-cluster mode (`KUBERNETES_SERVICE_HOST/PORT`); nil for the process's.
        public var environment: [String: String]?
        /// Where the service-account token, CA and namespace files are.
        public var serviceAccountDirectory = APIConnection.serviceAccountDirectory

        /// Production defaults.
        public init() {}
    }

    public let config: KubernetesSDConfig
    let logger: Logger
    let metrics: KubernetesSDMetrics
    let options: Options

    /// - Parameters:
    ///   - config: a validated `kubernetes_sd_config` (paths already resolved).
    ///   - metrics: where failures, watch restarts and relists are counted.
    public init(config: KubernetesSDConfig, logger: Logger, metrics: KubernetesSDMetrics = .shared, options: Options = Options()) {
        self.config = config
        var logger = logger
        logger[metadataKey: "role"] = "\(config.role.rawValue)"
        self.logger = logger
        self.metrics = metrics
        self.options = options
    }

    /// Lists and watches until cancelled; see the type's documentation for what is sent when.
    public func run(updates: AsyncStream<[TargetGroup]>.Continuation) async {
        guard let (client, informers) = await setUp() else { return }
        let env = Informer.Environment(client: client, role: config.role, metrics: metrics, backoff: options.backoff, logger: logger)
        var state = KubernetesState(role: config.role, attach: config.attachMetadata, resources: informers.map(\.resource))
        let (messages, sink) = AsyncStream<InformerMessage>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            for informer in informers {
                group.addTask { await informer.run(env, sink: sink) }
            }
            await withTaskCancellationHandler {
                for await message in messages {
                    if let groups = state.apply(message) { updates.yield(groups) }
                }
            } onCancel: {
                sink.finish()
            }
            group.cancelAll()
        }
    }

    /// Resolves the connection and own namespace, retrying with back-off (a service-account
    /// token may appear later); nil when cancelled first.
    private func setUp() async -> (KubernetesClient, [Informer])? {
        var backoff = Backoff(options.backoff)
        while !Task.isCancelled {
            do {
                let connection = try APIConnection.resolve(
                    config, environment: options.environment ?? ProcessInfo.processInfo.environment,
                    serviceAccountDirectory: options.serviceAccountDirectory)
                var namespaces: [String] = []
                for name in config.namespaces.names where !namespaces.contains(name) { namespaces.append(name) }
                if config.namespaces.ownNamespace {
                    let own = try APIConnection.ownNamespace(directory: options.serviceAccountDirectory)
                    if !namespaces.contains(own) { namespaces.append(own) }
                }
                let client = KubernetesClient(connection: connection, userAgent: options.userAgent, driver: .shared)
                return (client, Self.informers(for: config, namespaces: namespaces))
            } catch {
                metrics.recordFailure(config.role)
                logger.info("kubernetes discovery cannot start", metadata: ["error": "\(error)"])
                await backoff.sleep()
            }
        }
        return nil
    }

    /// The collections a role reads (SPEC §2.1), with the selectors configured for each.
    static func informers(for config: KubernetesSDConfig, namespaces: [String]) -> [Informer] {
        let attach = config.attachMetadata
        var needed: [(Resource, selector: KubernetesSDConfig.Role?)] = []
        switch config.role {
        case .node: needed = [(.node, .node)]
        case .pod:
            needed = [(.pod, .pod)]
            if attach.node { needed.append((.node, .node)) }
            if attach.deployment { needed.append((.replicaset, nil)) }
            if attach.job || attach.cronjob { needed.append((.job, nil)) }
        case .service: needed = [(.service, .service)]
        case .ingress: needed = [(.ingress, .ingress)]
        case .endpoints, .endpointslice:
            needed = [(config.role.resource, config.role), (.service, .service), (.pod, .pod)]
            if attach.node { needed.append((.node, nil)) }
        }
        if attach.namespace { needed.append((.namespace, nil)) }

        let scopes: [String?] = namespaces.isEmpty ? [nil] : namespaces
        var out: [Informer] = []
        for (resource, selectorRole) in needed {
            let selector = selectorRole.flatMap { r in config.selectors.first { $0.role == r } }
            for scope in resource.isNamespaced ? scopes : [nil] {
                let collection = KubernetesClient.Collection(
                    path: resource.path(namespace: scope), labelSelector: selector?.label ?? "", fieldSelector: selector?.field ?? "")
                out.append(Informer(id: out.count, resource: resource, collection: collection))
            }
        }
        return out
    }
}
