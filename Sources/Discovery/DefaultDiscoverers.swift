import Logging

/// Builds the discoverer for each supported configuration kind.
enum DefaultDiscoverers {
    static func make(_ config: SDConfig, userAgent: String = "lantern", logger: Logger) -> (any Discoverer)? {
        switch config {
        case .staticGroups(let groups): return StaticDiscoverer(groups: groups)
        case .file(let c): return FileDiscoverer(config: c, logger: logger)
        case .kubernetes(let c):
            var options = KubernetesDiscoverer.Options()
            options.userAgent = userAgent
            return KubernetesDiscoverer(config: c, logger: logger, options: options)
        }
    }
}
