public import Config
public import Logging
public import Model
public import Storage

/// Owns one scrape pool per job (Prometheus `scrape.Manager`): takes target sets from
/// discovery, keeps the latest per job, and syncs pools, coalescing bursts of updates so at
/// most one reload runs and at most one more is pending.
public actor ScrapeManager {
    private let storage: any Appendable
    private let scraper: any TargetScraper
    private let userAgent: String
    private let logger: Logger
    /// Limit hits of every pool and loop, for `/metrics`.
    public nonisolated let metrics = ScrapeMetrics()
    private var configs: [String: ScrapeConfig] = [:]
    private var pools: [String: ScrapePool] = [:]
    private var targetSets: [String: [TargetGroup]] = [:]
    private let trigger: AsyncStream<Void>.Continuation
    private let wakeUps: AsyncStream<Void>

    public init(storage: any Appendable, scraper: any TargetScraper = CurlMultiDriver.shared, userAgent: String, logger: Logger) {
        self.storage = storage
        self.scraper = scraper
        self.userAgent = userAgent
        self.logger = logger
        (wakeUps, trigger) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Consumes target sets until the stream ends or the task is cancelled; then stops every pool.
    public func run(targetSets updates: AsyncStream<[String: [TargetGroup]]>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [wakeUps] in
                for await _ in wakeUps { await self.reload() }
            }
            for await update in updates {
                self.receive(update)
            }
            group.cancelAll()
        }
        await stopAll()
    }

    private func receive(_ update: [String: [TargetGroup]]) {
        for (job, groups) in update { targetSets[job] = groups }
        trigger.yield()
    }

    /// Syncs every pool with its latest target groups.
    func reload() async {
        for (job, groups) in targetSets {
            guard let pool = pools[job] else { continue }
            await pool.sync(groups)
        }
    }

    /// Creates, updates or stops pools to match `scrapeConfigs`. An unchanged job keeps its
    /// loops; a changed one restarts them; a removed one stops (staleness markers written).
    public func applyConfig(_ scrapeConfigs: [ScrapeConfig]) async throws {
        let wanted = Dictionary(scrapeConfigs.map { ($0.jobName, $0) }, uniquingKeysWith: { a, _ in a })
        for (job, pool) in pools where wanted[job] == nil {
            await pool.stop()
            pools[job] = nil
            targetSets[job] = nil
        }
        for (job, config) in wanted {
            if let pool = pools[job] {
                if configs[job] != config { try await pool.reload(config) }
            } else {
                pools[job] = try ScrapePool(config: config, storage: storage, scraper: scraper, userAgent: userAgent, metrics: metrics, logger: logger)
            }
        }
        configs = wanted
        trigger.yield()
    }

    /// Stops every pool and waits for their loops.
    public func stopAll() async {
        for pool in pools.values { await pool.stop() }
        pools.removeAll()
    }

    /// Every pool's active targets, for `/api/v1/targets`.
    public func activeTargets() async -> [ActiveTarget] {
        var all: [ActiveTarget] = []
        for job in pools.keys.sorted() { all += await pools[job]!.activeTargets() }
        return all
    }

    /// Every pool's dropped targets' discovered labels.
    public func droppedTargets() async -> [(String, Labels)] {
        var all: [(String, Labels)] = []
        for job in pools.keys.sorted() { all += await pools[job]!.droppedTargets().map { (job, $0) } }
        return all
    }
}
