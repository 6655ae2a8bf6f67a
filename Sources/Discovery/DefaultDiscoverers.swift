import Logging

/// Builds the discoverer for each supported configuration kind.
enum DefaultDiscoverers {
    static func make(_ config: SDConfig, logger: Logger) -> (any Discoverer)? {
        switch config {
        case .staticGroups(let groups): return StaticDiscoverer(groups: groups)
        case .file(let c): return FileDiscoverer(config: c, logger: logger)
        case .kubernetes(let c): return KubernetesDiscoverer(config: c, logger: logger)
        }
    }
}
