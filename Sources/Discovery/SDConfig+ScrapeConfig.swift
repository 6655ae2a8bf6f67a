public import Config
import Model

extension ScrapeConfig {
    /// The job's discovery configurations in Prometheus's order.
    public var sdConfigs: [SDConfig] {
        var out: [SDConfig] = []
        if !staticConfigs.isEmpty {
            let groups = staticConfigs.enumerated().map { i, sc in
                TargetGroup(
                    source: String(i),
                    targets: sc.targets.map { Labels((LabelName.address, $0)) },
                    labels: Labels(sc.labels)
                )
            }
            out.append(.staticGroups(groups))
        }
        out += fileSDConfigs.map(SDConfig.file)
        out += kubernetesSDConfigs.map(SDConfig.kubernetes)
        return out
    }
}
