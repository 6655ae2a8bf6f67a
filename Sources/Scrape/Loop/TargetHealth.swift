import Synchronization

/// The last scrape's outcome for one target, read by `/api/v1/targets` while the loop writes it.
public final class TargetHealth: Sendable {
    /// Prometheus's `health` values.
    public enum State: String, Sendable { case up, down, unknown }

    /// A consistent copy of the current state.
    public struct Snapshot: Sendable, Equatable {
        public var state: State = .unknown
        public var lastError = ""
        /// Wall-clock time of the last scrape start, ms since the epoch (0 = never).
        public var lastScrape: Int64 = 0
        public var lastScrapeDurationSeconds: Double = 0
        public var lastSamples = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func record(_ s: Snapshot) { state.withLock { $0 = s } }
}
