import Model

/// Role `ingress`: one target per rule host and path (Prometheus `ingress.go`).
enum IngressRole {
    static let p = MetaLabels.prefix + "ingress_"

    static func build(_ ing: JSONValue, source: String, _ ctx: inout RoleContext) -> TargetGroup? {
        let ns = ing.namespace
        var labels = [MetaLabels.namespace: ns]
        MetaLabels.addObjectMeta(&labels, ing, resource: "ingress")
        if let cls = ing["spec"]["ingressClassName"].string { labels[p + "class_name"] = cls }
        ctx.addNamespaceMeta(&labels, namespace: ns)

        let tlsHosts = ing["spec"]["tls"].array.flatMap { $0["hosts"].array.map(\.str) }
        var targets: [[String: String]] = []
        for rule in ing["spec"]["rules"].array {
            let host = rule["host"].str
            let scheme = tlsHosts.contains { matches(tlsHost: $0, host: host) } ? "https" : "http"
            let http = rule["http"]
            let paths = http.isNull ? ["/"] : http["paths"].array.map { $0["path"].str.isEmpty ? "/" : $0["path"].str }
            for path in paths {
                targets.append([LabelName.address: host, p + "host": host, p + "path": path, p + "scheme": scheme])
            }
        }
        return TargetGroup(source: source, labels: labels, targets: targets)
    }

    /// Equal, or a `*.` wildcard with the same number of labels and the same parent domain.
    static func matches(tlsHost: String, host: String) -> Bool {
        if tlsHost == host { return true }
        guard tlsHost.hasPrefix("*.") else { return false }
        let a = tlsHost.split(separator: ".", omittingEmptySubsequences: false)
        let b = host.split(separator: ".", omittingEmptySubsequences: false)
        return a.count == b.count && a.dropFirst() == b.dropFirst()
    }
}
