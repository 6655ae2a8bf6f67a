import Model

/// Role `endpoints`: one target per address and port of an Endpoints object, enriched with
/// its Service, referenced pods and nodes (Prometheus `endpoints.go`).
enum EndpointsRole {
    static let p = MetaLabels.prefix + "endpoint_"

    static func build(_ ep: JSONValue, source: String, _ ctx: inout RoleContext) -> TargetGroup? {
        let ns = ep.namespace
        var labels = [MetaLabels.namespace: ns]
        MetaLabels.addObjectMeta(&labels, ep, resource: "endpoints")
        if let svc = ctx.get(.service, ep.cacheKey) { MetaLabels.addObjectMeta(&labels, svc, resource: "service") }
        ctx.addNamespaceMeta(&labels, namespace: ns)

        var pods = PodEnrichment()
        var targets: [[String: String]] = []
        for subset in ep["subsets"].array {
            for port in subset["ports"].array {
                for (list, ready) in [("addresses", true), ("notReadyAddresses", false)] {
                    for address in subset[list].array {
                        targets.append(target(address, port: port, ready: ready, &pods, &ctx))
                    }
                }
            }
        }
        targets += pods.extraTargets(&ctx)
        return TargetGroup(source: source, labels: labels, targets: targets)
    }

    private static func target(_ address: JSONValue, port: JSONValue, ready: Bool,
                               _ pods: inout PodEnrichment, _ ctx: inout RoleContext) -> [String: String] {
        let number = port["port"].int ?? 0
        let proto = port["protocol"].str
        var t: [String: String] = [
            LabelName.address: MetaLabels.join(address["ip"].str, number),
            p + "port_name": port["name"].str,
            p + "port_protocol": proto,
            p + "ready": MetaLabels.bool(ready),
        ]
        let ref = address["targetRef"]
        if !ref.isNull {
            t[p + "address_target_kind"] = ref["kind"].str
            t[p + "address_target_name"] = ref["name"].str
        }
        let nodeName = address["nodeName"].str
        if !nodeName.isEmpty { t[p + "node_name"] = nodeName }
        let hostname = address["hostname"].str
        if !hostname.isEmpty { t[p + "hostname"] = hostname }
        if !nodeName.isEmpty {
            ctx.addNodeMeta(&t, node: nodeName)
        } else if ref["kind"].str == "Node" {
            ctx.addNodeMeta(&t, node: ref["name"].str)
        }
        pods.enrich(&t, targetRef: ref, port: number, endpointProtocol: proto,
                    protocolSource: .endpoint, &ctx)
        return t
    }
}
