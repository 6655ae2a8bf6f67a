public import Model
import Synchronization

/// Counts scrapes that a per-job limit stopped (`lantern_target_*`, Prometheus's
/// `prometheus_target_*` of the same names), so an operator sees on `/metrics` that a target
/// outgrew its `sample_limit`, `body_size_limit`, label limits or `target_limit`, instead of
/// only a `down` target. One instance per scrape manager, shared by its pools and loops.
public final class ScrapeMetrics: Sendable {
    let exceededSampleLimit = Atomic<Int>(0)
    let exceededBodySizeLimit = Atomic<Int>(0)
    let exceededLabelLimits = Atomic<Int>(0)
    let exceededTargetLimit = Atomic<Int>(0)

    public init() {}

    /// Classifies a failed scrape; other failures are not limit hits.
    func recordFailure(_ error: any Error) {
        if let e = error as? ScrapeError {
            switch e.limit {
            case .sample: exceededSampleLimit.wrappingAdd(1, ordering: .relaxed)
            case .label: exceededLabelLimits.wrappingAdd(1, ordering: .relaxed)
            case nil: break
            }
        } else if let e = error as? HTTPScrapeError, e.kind == .bodySizeLimit {
            exceededBodySizeLimit.wrappingAdd(1, ordering: .relaxed)
        }
    }

    func recordTargetLimitHit() { exceededTargetLimit.wrappingAdd(1, ordering: .relaxed) }

    /// The families for `/metrics`.
    public func collect() -> [MetricFamily] {
        func family(_ name: String, _ help: String, _ a: borrowing Atomic<Int>) -> MetricFamily {
            MetricFamily(name: name, help: help, type: .counter, value: Double(a.load(ordering: .relaxed)))
        }
        return [
            family("lantern_target_scrapes_exceeded_sample_limit_total", "Total number of scrapes that hit the sample limit and were rejected.", exceededSampleLimit),
            family("lantern_target_scrapes_exceeded_body_size_limit_total", "Total number of scrapes that hit the body size limit", exceededBodySizeLimit),
            family("lantern_target_scrape_pool_exceeded_label_limits_total", "Total number of times scrape pools hit the label limits, during sync or config reload.", exceededLabelLimits),
            family("lantern_target_scrape_pool_exceeded_target_limit_total", "Total number of times scrape pools hit the target limit, during sync or config reload.", exceededTargetLimit),
        ]
    }
}
