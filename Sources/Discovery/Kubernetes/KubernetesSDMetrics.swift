public import Config
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

    public init() {}

    /// Current values per role (roles that never counted anything are absent).
    public var snapshot: [KubernetesSDConfig.Role: Counts] { counts.withLock { $0 } }

    /// Current values of one role.
    public func counts(for role: KubernetesSDConfig.Role) -> Counts { counts.withLock { $0[role] ?? Counts() } }

    func recordFailure(_ role: KubernetesSDConfig.Role) { counts.withLock { $0[role, default: Counts()].failures += 1 } }
    func recordWatchRestart(_ role: KubernetesSDConfig.Role) { counts.withLock { $0[role, default: Counts()].watchRestarts += 1 } }
    func recordRelist(_ role: KubernetesSDConfig.Role) { counts.withLock { $0[role, default: Counts()].relists += 1 } }
}
