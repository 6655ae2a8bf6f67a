import Model

/// Role `node`: one target per node, at the kubelet port (Prometheus `node.go`).
enum NodeRole {
    /// Address types in the order the target address is chosen from.
    static let addressPriority = ["InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"]

    static func build(_ node: JSONValue, source: String, _ ctx: inout RoleContext) -> TargetGroup? {
        let p = MetaLabels.prefix + "node_"
        // First address of each type, in the order the node lists them.
        var firstByType: [String: String] = [:]
        for a in node["status"]["addresses"].array {
            let type = a["type"].str, address = a["address"].str
            if firstByType[type] == nil { firstByType[type] = address }
        }
        guard let host = addressPriority.lazy.compactMap({ firstByType[$0] }).first else { return nil }
        let port = node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"].int ?? 0

        var labels: [String: String] = [p + "provider_id": node["spec"]["providerID"].str]
        for c in node["status"]["conditions"].array {
            labels[p + "condition_" + MetaLabels.sanitize(c["type"].str.lowercased())] = c["status"].str.lowercased()
        }
        MetaLabels.addObjectMeta(&labels, node, resource: "node")

        var target = [LabelName.address: MetaLabels.join(host, port), LabelName.instance: node.name]
        for (type, address) in firstByType { target[p + "address_" + MetaLabels.sanitize(type)] = address }
        return TargetGroup(source: source, labels: labels, targets: [target])
    }
}
