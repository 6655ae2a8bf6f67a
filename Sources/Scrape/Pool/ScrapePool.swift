public import Config
public import Logging
public import Model
public import Storage

/// The loops of one job (Prometheus `scrapePool`): turns the job's target groups into
/// targets, runs one `ScrapeLoop` per target as a task, and restarts them when the job's
/// configuration changes.
public actor ScrapePool {
    /// A running loop and the handles the API reads.
    struct RunningLoop {
        let target: ScrapeTarget
        let health: TargetHealth
        let task: Task<Void, Never>
    }

    public let jobName: String
    private(set) var config: ScrapeConfig
    private var builder: TargetBuilder
    private var settings: ScrapeSettings
    private let storage: any Appendable
    private let scraper: any TargetScraper
    private let logger: Logger
    private var loops: [UInt64: RunningLoop] = [:]
    private var lastGroups: [TargetGroup] = []
    private var dropped: [Labels] = []
    private var failed: [(Labels, String)] = []
    private var targetLimitError: String?
    private let metrics: ScrapeMetrics

    /// - Throws: when a relabel regex does not compile (the loader rejects those first).
    public init(config: ScrapeConfig, storage: any Appendable, scraper: any TargetScraper, userAgent: String,
                metrics: ScrapeMetrics = ScrapeMetrics(), logger: Logger) throws {
        jobName = config.jobName
        self.metrics = metrics
        self.config = config
        builder = try Self.builder(for: config)
        settings = try ScrapeSettings(config: config, userAgent: userAgent)
        self.storage = storage
        self.scraper = scraper
        var logger = logger
        logger[metadataKey: "scrape_pool"] = "\(config.jobName)"
        self.logger = logger
    }

    static func builder(for c: ScrapeConfig) throws -> TargetBuilder {
        TargetBuilder(
            jobName: c.jobName, interval: c.scrapeInterval, timeout: c.scrapeTimeout, metricsPath: c.metricsPath,
            scheme: c.scheme, params: c.params, relabelRules: try c.relabelConfigs.rules()
        )
    }

    /// Replaces the job's targets: starts loops for new targets, stops loops of vanished ones
    /// (they write staleness markers), keeps the rest running untouched.
    public func sync(_ groups: [TargetGroup]) async {
        lastGroups = groups
        var wanted: [UInt64: ScrapeTarget] = [:]
        dropped.removeAll()
        failed.removeAll()
        for group in groups {
            for result in builder.targets(from: group) {
                switch result {
                case .target(let t): wanted[t.hash] = t
                case .dropped(let discovered): dropped.append(discovered)
                case .failed(let discovered, let reason):
                    failed.append((discovered, reason))
                    logger.debug("creating target failed", metadata: ["labels": "\(discovered)", "error": "\(reason)"])
                }
            }
        }
        if config.targetLimit > 0, wanted.count > config.targetLimit {
            targetLimitError = "target_limit exceeded (number of targets: \(wanted.count), limit: \(config.targetLimit))"
            metrics.recordTargetLimitHit()
            wanted.removeAll()
        } else {
            targetLimitError = nil
        }
        let gone = loops.keys.filter { wanted[$0] == nil }
        await stopLoops(gone)
        for (hash, target) in wanted where loops[hash] == nil { startLoop(hash: hash, target: target) }
    }

    /// Applies a changed job configuration: every loop restarts with the new settings
    /// (an unchanged configuration is not passed here, so its loops keep their caches).
    public func reload(_ config: ScrapeConfig) async throws {
        let newBuilder = try Self.builder(for: config)
        let newSettings = try ScrapeSettings(config: config, userAgent: settings.userAgent)
        self.config = config
        builder = newBuilder
        settings = newSettings
        await stopLoops(Array(loops.keys))
        await sync(lastGroups)
    }

    /// Stops every loop and waits for their staleness markers.
    public func stop() async {
        await stopLoops(Array(loops.keys))
    }

    private func startLoop(hash: UInt64, target: ScrapeTarget) {
        let health = TargetHealth()
        let loop = ScrapeLoop(target: target, settings: settings, storage: storage, scraper: scraper, health: health, metrics: metrics, logger: logger)
        let task = Task {
            var loop = loop
            await loop.run()
        }
        loops[hash] = RunningLoop(target: target, health: health, task: task)
    }

    private func stopLoops(_ hashes: [UInt64]) async {
        let stopping = hashes.compactMap { loops.removeValue(forKey: $0) }
        for l in stopping { l.task.cancel() }
        for l in stopping { await l.task.value }
    }

    /// The active targets with their health, for `/api/v1/targets`.
    public func activeTargets() -> [ActiveTarget] {
        loops.values.map { ActiveTarget(scrapePool: jobName, target: $0.target, health: $0.health.snapshot, metadata: $0.health.metadata) }
            .sorted { $0.target.labels < $1.target.labels }
    }

    /// Discovered label sets that relabeling dropped or that could not become targets.
    public func droppedTargets() -> [Labels] { dropped + failed.map(\.0) }

    /// The error that stops the whole pool, if any (`target_limit`).
    public var poolError: String? { targetLimitError }
}

/// One row of `/api/v1/targets`' `activeTargets`.
public struct ActiveTarget: Sendable {
    public let scrapePool: String
    public let target: ScrapeTarget
    public let health: TargetHealth.Snapshot
    /// HELP/TYPE/UNIT per metric family from the last scrape.
    public let metadata: [String: MetricMetadata]
}
