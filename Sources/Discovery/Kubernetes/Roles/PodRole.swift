import Config
import Model

/// Role `pod`: one group per pod, one target per declared container port (or per container
/// without ports), Prometheus `pod.go`. The pod labels are shared with the endpoints roles.
enum PodRole {
    static let p = MetaLabels.prefix + "pod_"

    static func build(_ pod: JSONValue, source: String, _ ctx: inout RoleContext) -> TargetGroup? {
        let ip = pod["status"]["podIP"].str
        guard !ip.isEmpty else { return TargetGroup(source: source) }
        let nodeName = pod["spec"]["nodeName"].str
        var node: JSONValue?
        if ctx.attach.node {
            // A node selector restricts pods through the node cache: no node, no targets.
            node = nodeName.isEmpty ? nil : ctx.get(.node, nodeName)
            guard node != nil else { return TargetGroup(source: source) }
        }
        var labels = podLabels(pod, &ctx)
        labels[MetaLabels.namespace] = pod.namespace
        ctx.addNamespaceMeta(&labels, namespace: pod.namespace)
        MetaLabels.addNodeMeta(&labels, node)

        var targets: [[String: String]] = []
        for c in containers(pod) {
            var base = containerLabels(c)
            base[p + "container_id"] = c.id
            if c.ports.isEmpty {
                base[LabelName.address] = ip
                targets.append(base)
                continue
            }
            for port in c.ports {
                var t = base
                t[LabelName.address] = MetaLabels.join(ip, port.number)
                t.merge(portLabels(port, protocol: port.protocolName)) { $1 }
                targets.append(t)
            }
        }
        return TargetGroup(source: source, labels: labels, targets: targets)
    }

    /// The pod's own labels (no namespace, no node/namespace metadata), as the endpoints roles
    /// attach them to targets too.
    static func podLabels(_ pod: JSONValue, _ ctx: inout RoleContext) -> [String: String] {
        var l: [String: String] = [
            p + "ip": pod["status"]["podIP"].str,
            p + "host_ip": pod["status"]["hostIP"].str,
            p + "node_name": pod["spec"]["nodeName"].str,
            p + "uid": pod["metadata"]["uid"].str,
            p + "phase": pod["status"]["phase"].str,
            p + "ready": readiness(pod),
        ]
        MetaLabels.addObjectMeta(&l, pod, resource: "pod")
        guard let owner = pod.controllerRef else { return l }
        let kind = owner["kind"].str, name = owner["name"].str
        if !kind.isEmpty { l[p + "controller_kind"] = kind }
        if !name.isEmpty { l[p + "controller_name"] = name }
        let key = "\(pod.namespace)/\(name)"
        if kind == "ReplicaSet", ctx.attach.deployment, let rs = ctx.get(.replicaset, key),
           let d = rs.controllerRef, d["kind"].str == "Deployment" {
            l[p + "deployment_name"] = d["name"].str
        }
        if kind == "Job" {
            if ctx.attach.job { l[p + "job_name"] = name }
            if ctx.attach.cronjob, let job = ctx.get(.job, key), let cj = job.controllerRef, cj["kind"].str == "CronJob" {
                l[p + "cronjob_name"] = cj["name"].str
            }
        }
        return l
    }

    /// Lowercased status of the `Ready` condition, `unknown` without one.
    static func readiness(_ pod: JSONValue) -> String {
        for c in pod["status"]["conditions"].array where c["type"].str == "Ready" { return c["status"].str.lowercased() }
        return "unknown"
    }

    struct Port {
        var name: String
        var number: Int
        var protocolName: String
    }

    struct Container {
        var name: String
        var image: String
        var id: String
        var isInit: Bool
        var ports: [Port]
    }

    /// `spec.containers` then `spec.initContainers`, with their status container IDs.
    static func containers(_ pod: JSONValue) -> [Container] {
        func list(_ specKey: String, _ statusKey: String, isInit: Bool) -> [Container] {
            let statuses = pod["status"][statusKey].array
            return pod["spec"][specKey].array.map { c in
                let name = c["name"].str
                let id = statuses.first { $0["name"].str == name }?["containerID"].str ?? ""
                let ports = c["ports"].array.map { Port(name: $0["name"].str, number: $0["containerPort"].int ?? 0, protocolName: $0["protocol"].str) }
                return Container(name: name, image: c["image"].str, id: id, isInit: isInit, ports: ports)
            }
        }
        return list("containers", "containerStatuses", isInit: false) + list("initContainers", "initContainerStatuses", isInit: true)
    }

    static func containerLabels(_ c: Container) -> [String: String] {
        [p + "container_name": c.name, p + "container_image": c.image, p + "container_init": MetaLabels.bool(c.isInit)]
    }

    static func portLabels(_ port: Port, protocol proto: String) -> [String: String] {
        [p + "container_port_name": port.name, p + "container_port_number": String(port.number), p + "container_port_protocol": proto]
    }
}
