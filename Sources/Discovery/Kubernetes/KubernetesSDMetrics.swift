public import Config
public import Model
import Synchronization

/// Self-metrics of Kubernetes discovery, per role, shared by every Kubernetes discoverer of a
/// process. The server renders them as `lantern_sd_kubernetes_failures_total{role}`,
/// `lantern_sd_kubernetes_watch_restarts_total{role}` and `lantern_sd_kubernetes_relists_total{role}`.
/// Thread-safe; increments are cheap.
public final class KubernetesSDMetrics: Sendable {
    /// Counter values of one role.
    public struct Counts: Sendable, Equatable {
        /// Failed list or watch requests (transport errors, non-200 statuses other than 410,
        /// ERROR events other than 410, malformed bodies).
        public var failures = 0
        /// Watches opened again after the previous one ended, failed or expired.
        public var watchRestarts = 0
        /// Lists repeated because the resource version expired (410 Gone).
        public var relists = 0
    }

    /// The process-wide instance the default discoverer factory uses.
    public static let shared = KubernetesSDMetrics()

    private let counts = Mutex<[KubernetesSDConfig.Role: Counts]>([:])

    /// Counters starting at zero (tests use their own; the process uses `shared`).
    public init() {}

    /// Current values per role (roles that never counted anything are absent).
    public var snapshot: [KubernetesSDConfig.Role: Counts] { counts.withLock { $0 } }

    /// Current values of one role.
    public func counts(for role: KubernetesSDConfig.Role) -> Counts { counts.withLock { $0[role] ?? Counts() } }

    /// The counters as exposition families, one sample per role that has counted anything.
    public func families() -> [MetricFamily] {
        let snap = snapshot.sorted { $0.key.rawValue < $1.key.rawValue }
        func family(_ name: String, _ help: String, _ value: (Counts) -> Int) -> MetricFamily {
            MetricFamily(name: name, help: help, type: .counter, samples: snap.map {
                MetricSample(labels: Labels(("role", $0.key.rawValue)), value: Double(value($0.value)))
            })
        }
        return [
            family("lantern_sd_kubernetes_failures_total", "Failed requests to the Kubernetes API.", \.failures),
            family("lantern_sd_kubernetes_watch_restarts_total", "Kubernetes watches opened again after the previous one ended.", \.watchRestarts),
            family("lantern_sd_kubernetes_relists_total", "Kubernetes lists repeated because the resource version expired.", \.relists),
        ]
    }

    func recordFailure(_ role: KubernetesSDConfig.Role) { counts.withLock { $0[role, default: Counts()].failures += 1 } }
    func recordWatchRestart(_ role: KubernetesSDConfig.Role) { counts.withLock { $0[role, default: Counts()].watchRestarts += 1 } }
    func recordRelist(_ role: KubernetesSDConfig.Role) { counts.withLock { $0[role, default: Counts()].relists += 1 } }
}
