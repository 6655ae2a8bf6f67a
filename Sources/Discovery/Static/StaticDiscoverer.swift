public import Model

/// `static_configs`: sends its groups once and then waits to be cancelled.
public struct StaticDiscoverer: Discoverer {
    public let groups: [TargetGroup]

    public init(groups: [TargetGroup]) { self.groups = groups }

    public func run(updates: AsyncStream<[TargetGroup]>.Continuation) async {
        updates.yield(groups)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
