import Config
import Model

/// The kinds of objects the informers cache.
enum Resource: String, Sendable, Hashable, CaseIterable {
    case node, pod, service, endpoints, endpointslice, ingress, namespace, replicaset, job

    /// Whether objects of this kind live in a namespace (keys are `<ns>/<name>`).
    var isNamespaced: Bool { self != .node && self != .namespace }

    /// The collection path, cluster-wide (`namespace` nil) or in one namespace.
    func path(namespace: String?) -> String {
        let (prefix, plural): (String, String) = switch self {
        case .node: ("/api/v1", "nodes")
        case .namespace: ("/api/v1", "namespaces")
        case .pod: ("/api/v1", "pods")
        case .service: ("/api/v1", "services")
        case .endpoints: ("/api/v1", "endpoints")
        case .endpointslice: ("/apis/discovery.k8s.io/v1", "endpointslices")
        case .ingress: ("/apis/networking.k8s.io/v1", "ingresses")
        case .replicaset: ("/apis/apps/v1", "replicasets")
        case .job: ("/apis/batch/v1", "jobs")
        }
        guard isNamespaced, let namespace else { return "\(prefix)/\(plural)" }
        return "\(prefix)/namespaces/\(namespace)/\(plural)"
    }
}

/// An object a target group was built from: when it changes, the group is rebuilt.
struct DependencyKey: Hashable, Sendable {
    var resource: Resource
    var key: String
}

/// Read access to the caches while one primary object's group is built. Every lookup is
/// recorded, so the discoverer knows which auxiliary objects (service, pod, node, namespace,
/// replicaset, job) the group depends on — including ones not (yet) in the cache.
struct RoleContext {
    let attach: KubernetesSDConfig.AttachMetadata
    private let lookup: (DependencyKey) -> JSONValue?
    private(set) var dependencies: Set<DependencyKey> = []

    init(attach: KubernetesSDConfig.AttachMetadata, lookup: @escaping (DependencyKey) -> JSONValue?) {
        self.attach = attach
        self.lookup = lookup
    }

    mutating func get(_ resource: Resource, _ key: String) -> JSONValue? {
        let k = DependencyKey(resource: resource, key: key)
        dependencies.insert(k)
        return lookup(k)
    }

    /// Namespace metadata when `attach_metadata.namespace` is on.
    mutating func addNamespaceMeta(_ labels: inout [String: String], namespace: String) {
        guard attach.namespace else { return }
        MetaLabels.addNamespaceMeta(&labels, get(.namespace, namespace))
    }

    /// Node metadata when `attach_metadata.node` is on.
    mutating func addNodeMeta(_ labels: inout [String: String], node name: String) {
        guard attach.node, !name.isEmpty else { return }
        MetaLabels.addNodeMeta(&labels, get(.node, name))
    }
}

extension KubernetesSDConfig.Role {
    /// The primary resource of the role.
    var resource: Resource {
        switch self {
        case .node: .node
        case .pod: .pod
        case .service: .service
        case .endpoints: .endpoints
        case .endpointslice: .endpointslice
        case .ingress: .ingress
        }
    }

    /// Prefix of the group `source` (Prometheus's names; services use `svc`).
    var sourcePrefix: String { self == .service ? "svc" : rawValue }

    /// Builds the group for a primary object; nil means "emit nothing" (node without address).
    func build(_ object: JSONValue, _ ctx: inout RoleContext) -> TargetGroup? {
        let source = "\(sourcePrefix)/\(object.cacheKey)"
        switch self {
        case .node: return NodeRole.build(object, source: source, &ctx)
        case .pod: return PodRole.build(object, source: source, &ctx)
        case .service: return ServiceRole.build(object, source: source, &ctx)
        case .endpoints: return EndpointsRole.build(object, source: source, &ctx)
        case .endpointslice: return EndpointSliceRole.build(object, source: source, &ctx)
        case .ingress: return IngressRole.build(object, source: source, &ctx)
        }
    }
}

extension TargetGroup {
    init(source: String, labels: [String: String], targets: [[String: String]]) {
        self.init(source: source, targets: targets.map { Labels($0) }, labels: Labels(labels))
    }
}
