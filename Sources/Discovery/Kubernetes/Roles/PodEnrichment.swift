import Model

/// Pod labels on endpoint targets, and the extra targets for container ports no endpoint
/// covers (shared by the `endpoints` and `endpointslice` roles, Prometheus `endpoints.go`).
struct PodEnrichment {
    private var seen: [(key: String, pod: JSONValue, usedPorts: Set<Int>)] = []

    /// Which protocol a matched container port reports: the endpoint's or the container's.
    enum ProtocolSource { case endpoint, container }

    /// Adds pod and matching-container labels to `target` when `targetRef` names a cached pod.
    mutating func enrich(_ target: inout [String: String], targetRef: JSONValue,
                         port: Int?, endpointProtocol: String, protocolSource: ProtocolSource, _ ctx: inout RoleContext) {
        guard targetRef["kind"].str == "Pod" else { return }
        // The reference's own namespace, as Prometheus looks it up (no fallback to the endpoints').
        let key = "\(targetRef["namespace"].str)/\(targetRef["name"].str)"
        guard let pod = ctx.get(.pod, key) else { return }
        target.merge(PodRole.podLabels(pod, &ctx)) { $1 }
        let index: Int
        if let i = seen.firstIndex(where: { $0.key == key }) { index = i } else {
            seen.append((key, pod, []))
            index = seen.count - 1
        }
        guard let port else { return }
        // Within a container the first port with the number counts; across containers
        // (containers, then init containers) the last one declaring it wins.
        var match: (PodRole.Container, PodRole.Port)?
        for c in PodRole.containers(pod) {
            if let cp = c.ports.first(where: { $0.number == port }) { match = (c, cp) }
        }
        guard let (c, cp) = match else { return }
        target.merge(PodRole.containerLabels(c)) { $1 }
        let proto = protocolSource == .endpoint ? endpointProtocol : cp.protocolName
        target.merge(PodRole.portLabels(cp, protocol: proto)) { $1 }
        seen[index].usedPorts.insert(port)
    }

    /// One target per container port of a referenced pod that no endpoint port used.
    mutating func extraTargets(_ ctx: inout RoleContext) -> [[String: String]] {
        var out: [[String: String]] = []
        for entry in seen {
            let ip = entry.pod["status"]["podIP"].str
            guard !ip.isEmpty else { continue }
            let podLabels = PodRole.podLabels(entry.pod, &ctx)
            for c in PodRole.containers(entry.pod) {
                for cp in c.ports where !entry.usedPorts.contains(cp.number) {
                    var t = podLabels
                    t.merge(PodRole.containerLabels(c)) { $1 }
                    t.merge(PodRole.portLabels(cp, protocol: cp.protocolName)) { $1 }
                    t[LabelName.address] = MetaLabels.join(ip, cp.number)
                    out.append(t)
                }
            }
        }
        return out
    }
}
