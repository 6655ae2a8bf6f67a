import Model

/// Role `endpointslice`: one target per endpoint address and port of a
/// `discovery.k8s.io/v1` EndpointSlice (Prometheus `endpointslice.go`).
enum EndpointSliceRole {
    static let p = MetaLabels.prefix + "endpointslice_"
    static let serviceNameLabel = "kubernetes.io/service-name"

    static func build(_ slice: JSONValue, source: String, _ ctx: inout RoleContext) -> TargetGroup? {
        let ns = slice.namespace
        let addressType = slice["addressType"].str
        var labels = [MetaLabels.namespace: ns, p + "address_type": addressType]
        MetaLabels.addObjectMeta(&labels, slice, resource: "endpointslice")
        var service: JSONValue?
        if let name = slice.labels[serviceNameLabel] {
            service = ctx.get(.service, "\(ns)/\(name)")
            if let service { MetaLabels.addObjectMeta(&labels, service, resource: "service") }
        }
        ctx.addNamespaceMeta(&labels, namespace: ns)
        if let service, isSecondaryFamily(addressType, of: service) {
            return TargetGroup(source: source, labels: labels, targets: [])
        }

        var pods = PodEnrichment()
        var targets: [[String: String]] = []
        for endpoint in slice["endpoints"].array {
            for port in slice["ports"].array {
                for address in endpoint["addresses"].array {
                    targets.append(target(address.str, endpoint: endpoint, port: port, &pods, &ctx))
                }
            }
        }
        targets += pods.extraTargets(&ctx)
        return TargetGroup(source: source, labels: labels, targets: targets)
    }

    /// A dual-stack service's slice of its second IP family: the primary slice has the targets.
    static func isSecondaryFamily(_ addressType: String, of service: JSONValue) -> Bool {
        let policy = service["spec"]["ipFamilyPolicy"].str
        guard policy == "PreferDualStack" || policy == "RequireDualStack",
              let first = service["spec"]["ipFamilies"].array.first?.string else { return false }
        return addressType != first
    }

    private static func target(_ address: String, endpoint: JSONValue, port: JSONValue,
                               _ pods: inout PodEnrichment, _ ctx: inout RoleContext) -> [String: String] {
        let number = port["port"].int
        var t = [LabelName.address: number.map { MetaLabels.join(address, $0) } ?? address]
        if let v = port["name"].string { t[p + "port_name"] = v }
        if let v = port["protocol"].string { t[p + "port_protocol"] = v }
        if let number { t[p + "port"] = String(number) }
        if let v = port["appProtocol"].string { t[p + "port_app_protocol"] = v }
        let conditions = endpoint["conditions"]
        for (key, label) in [("ready", "ready"), ("serving", "serving"), ("terminating", "terminating")] {
            if let b = conditions[key].bool { t[p + "endpoint_conditions_" + label] = MetaLabels.bool(b) }
        }
        if let v = endpoint["hostname"].string { t[p + "endpoint_hostname"] = v }
        if let v = endpoint["nodeName"].string { t[p + "endpoint_node_name"] = v }
        if let v = endpoint["zone"].string { t[p + "endpoint_zone"] = v }
        let ref = endpoint["targetRef"]
        if !ref.isNull {
            t[p + "address_target_kind"] = ref["kind"].str
            t[p + "address_target_name"] = ref["name"].str
        }
        for (k, v) in endpoint["deprecatedTopology"].stringMap {
            let n = MetaLabels.sanitize(k)
            t[p + "endpoint_topology_" + n] = v
            t[p + "endpoint_topology_present_" + n] = "true"
        }
        if ref["kind"].str == "Node" {
            ctx.addNodeMeta(&t, node: ref["name"].str)
        } else if let node = endpoint["nodeName"].string {
            ctx.addNodeMeta(&t, node: node)
        }
        pods.enrich(&t, targetRef: ref, port: number, endpointProtocol: port["protocol"].str,
                    protocolSource: .container, &ctx)
        return t
    }
}
