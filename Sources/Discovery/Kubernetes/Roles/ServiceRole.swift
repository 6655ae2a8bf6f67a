import Model

/// Role `service`: one target per service port, addressed by the service's DNS name
/// (Prometheus `service.go`).
enum ServiceRole {
    static let p = MetaLabels.prefix + "service_"

    static func build(_ svc: JSONValue, source: String, _ ctx: inout RoleContext) -> TargetGroup? {
        let ns = svc.namespace
        var labels = [MetaLabels.namespace: ns]
        MetaLabels.addObjectMeta(&labels, svc, resource: "service")
        ctx.addNamespaceMeta(&labels, namespace: ns)

        let spec = svc["spec"]
        let type = spec["type"].str
        var common = [p + "type": type]
        if type == "ExternalName" {
            common[p + "external_name"] = spec["externalName"].str
        } else {
            common[p + "cluster_ip"] = spec["clusterIP"].str
        }
        if type == "LoadBalancer" {
            let ips = svc["status"]["loadBalancer"]["ingress"].array.compactMap { $0["ip"].string }.filter { !$0.isEmpty }
            common[p + "loadbalancer_ip"] = ips.isEmpty ? spec["loadBalancerIP"].str : ips.joined(separator: ",")
        }
        let targets = spec["ports"].array.map { port -> [String: String] in
            let number = port["port"].int ?? 0
            var t = common
            t[LabelName.address] = "\(svc.name).\(ns).svc:\(number)"
            t[p + "port_name"] = port["name"].str
            t[p + "port_number"] = String(number)
            t[p + "port_protocol"] = port["protocol"].str
            return t
        }
        return TargetGroup(source: source, labels: labels, targets: targets)
    }
}
