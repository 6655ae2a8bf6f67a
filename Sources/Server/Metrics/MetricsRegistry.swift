public import Model

/// Anything that reports self-metrics: storage, scrape manager, discovery, the HTTP layer.
public protocol MetricsCollector: Sendable {
    /// The current values; called on every `/metrics` request.
    func collect() async -> [MetricFamily]
}

/// A collector built from a closure, for components that expose a plain function.
public struct ClosureCollector: MetricsCollector {
    private let body: @Sendable () async -> [MetricFamily]
    public init(_ body: @escaping @Sendable () async -> [MetricFamily]) { self.body = body }
    public func collect() async -> [MetricFamily] { await body() }
}

/// Gathers every collector's families for `/metrics`, the way client_golang's registry does:
/// families sorted by name, samples in a stable order.
public actor MetricsRegistry {
    private var collectors: [any MetricsCollector] = []

    public init() {}

    public func register(_ collector: any MetricsCollector) {
        collectors.append(collector)
    }

    /// All families, sorted by name; families of the same name are merged.
    public func gather() async -> [MetricFamily] {
        var byName: [String: MetricFamily] = [:]
        for c in collectors {
            for f in await c.collect() {
                if var existing = byName[f.name] {
                    existing.samples += f.samples
                    byName[f.name] = existing
                } else {
                    byName[f.name] = f
                }
            }
        }
        return byName.values.sorted { $0.name < $1.name }.map { f in
            var f = f
            f.samples.sort { a, b in a.labels != b.labels ? a.labels < b.labels : a.suffix < b.suffix }
            return f
        }
    }

    /// The text exposition format 0.0.4 of every family.
    public func render() async -> String {
        TextExpositionWriter.render(await gather())
    }
}
