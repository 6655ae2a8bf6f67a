public import Model
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
    private let metadataTable = Mutex<[String: MetricMetadata]>([:])

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// HELP/TYPE/UNIT of the target's metric families, from its last successful scrape.
    public var metadata: [String: MetricMetadata] { metadataTable.withLock { $0 } }

    func record(_ s: Snapshot) { state.withLock { $0 = s } }

    func record(metadata: [String: MetricMetadata]) { metadataTable.withLock { $0 = metadata } }
}

/// What a target says about a metric family (`# HELP`, `# TYPE`, `# UNIT`).
public struct MetricMetadata: Sendable, Equatable {
    public var type: MetricType = .unknown
    public var help = ""
    public var unit = ""
}
