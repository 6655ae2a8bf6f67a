public import Logging
public import Model

/// Runs one provider per distinct discovery configuration and merges their groups into the
/// per-job target sets the scrape manager consumes (Prometheus `discovery.Manager`).
///
/// The first merged set goes out as soon as it exists, and so does each new provider's first
/// state (an empty set at `applyConfig` must not delay the real one by an interval); later ones at most once per
/// `updateInterval` (5 s, as Prometheus's updater throttle), but without waiting when the last
/// send is longer ago than that: a change after a quiet period goes out once the providers have
/// been silent for `settleDelay` (so a burst of watch events becomes one update, not its first
/// event now and the rest a whole interval later); a steady stream of changes still goes out
/// at least once per `updateInterval` past the last send. The output stream keeps only the
/// newest set, so a slow consumer never blocks a provider: the latest state wins.
public actor DiscoveryManager {
    /// How discoverers are made from configurations; tests and later providers plug in here.
    public typealias DiscovererFactory = @Sendable (SDConfig) -> (any Discoverer)?

    struct Provider {
        let name: String
        let config: SDConfig
        var subscribers: Set<String>
        var groups: [String: TargetGroup] = [:]
        var sourceOrder: [String] = []
        var task: Task<Void, Never>?
        /// Whether the discoverer has sent its initial state yet.
        var hasReported = false

        /// Keeps the newest group per source, in first-seen order.
        mutating func record(_ update: [TargetGroup]) {
            hasReported = true
            for g in update where groups.updateValue(g, forKey: g.source) == nil { sourceOrder.append(g.source) }
        }
    }

    /// The merged target sets, newest only.
    public nonisolated let syncStream: AsyncStream<[String: [TargetGroup]]>
    private let syncContinuation: AsyncStream<[String: [TargetGroup]]>.Continuation
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let updateInterval: Duration
    private let settleDelay: Duration
    private let factory: DiscovererFactory
    private let logger: Logger
    fileprivate var providers: [Int: Provider] = [:]
    private var nextProviderID = 0
    private var jobs: [String] = []
    private var stats = DiscoveryStats()
    /// Groups changed since the last send.
    private var dirty = false
    /// A provider sent its first state since the last send: that goes out without throttling.
    private var firstStatePending = false
    private var lastReceive = ContinuousClock.now

    /// - Parameters:
    ///   - updateInterval: the throttle between merged updates (Prometheus: 5 s).
    ///   - settleDelay: how long the providers must be silent before a throttled update goes out
    ///     (capped at `updateInterval`).
    ///   - userAgent: `User-Agent` of the default discoverers' HTTP requests (Kubernetes).
    ///   - factory: builds a discoverer for a configuration; nil marks the configuration failed.
    public init(updateInterval: Duration = .seconds(5), settleDelay: Duration = .milliseconds(100), userAgent: String = "lantern",
                logger: Logger, factory: DiscovererFactory? = nil) {
        self.updateInterval = updateInterval
        self.settleDelay = min(settleDelay, updateInterval)
        self.logger = logger
        let log = logger
        self.factory = factory ?? { config in DefaultDiscoverers.make(config, userAgent: userAgent, logger: log) }
        (syncStream, syncContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (wakeUps, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Sends merged updates until cancelled; then stops every provider and ends the stream.
    public func run() async {
        var lastSend: ContinuousClock.Instant?
        for await _ in wakeUps {
            if Task.isCancelled { break }
            guard dirty else { continue }
            // Until every provider has sent its first state, sets go out at once (startup and
            // new providers are not held back); after that, at most one per interval.
            if let last = lastSend, !firstStatePending, providers.values.allSatisfy(\.hasReported) {
                let earliest = last + updateInterval
                if ContinuousClock.now < earliest { try? await Task.sleep(until: earliest) }
                await settle()
                if Task.isCancelled { break }
            }
            send()
            lastSend = .now
        }
        for p in providers.values { p.task?.cancel() }
        providers.removeAll()
        syncContinuation.finish()
    }

    /// Registers providers for `configs` (job name → its discovery configurations). Unchanged
    /// providers keep running; removed ones are cancelled and their targets vanish from the
    /// next update, so their scrape loops stop.
    public func applyConfig(_ configs: [String: [SDConfig]]) {
        jobs = configs.keys.sorted()
        for (id, var p) in providers {
            let subs = Set(configs.filter { $0.value.contains(p.config) }.keys)
            if subs.isEmpty {
                p.task?.cancel()
                providers[id] = nil
            } else {
                p.subscribers = subs
                providers[id] = p
            }
        }
        stats.failedConfigs = 0
        for job in jobs {
            for config in configs[job]! where !providers.values.contains(where: { $0.config == config }) {
                guard let discoverer = factory(config) else {
                    stats.failedConfigs += 1
                    logger.info("Cannot create service discovery", metadata: ["type": "\(config.typeName)", "job": "\(job)"])
                    continue
                }
                let id = nextProviderID
                nextProviderID += 1
                let subs = Set(configs.filter { $0.value.contains(config) }.keys)
                var provider = Provider(name: "\(config.typeName)/\(id)", config: config, subscribers: subs)
                provider.task = Task { await self.runProvider(id: id, discoverer: discoverer) }
                providers[id] = provider
            }
        }
        dirty = true
        wake.yield()
    }

    /// Waits until no update has arrived for `settleDelay`, at most one `updateInterval`.
    private func settle() async {
        let bound = ContinuousClock.now + updateInterval
        while !Task.isCancelled {
            let quietUntil = lastReceive + settleDelay
            let now = ContinuousClock.now
            guard now < quietUntil, now < bound else { return }
            try? await Task.sleep(until: min(quietUntil, bound))
        }
    }

    private func runProvider(id: Int, discoverer: any Discoverer) async {
        let (updates, continuation) = AsyncStream<[TargetGroup]>.makeStream(bufferingPolicy: .unbounded)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await discoverer.run(updates: continuation)
                continuation.finish()
            }
            for await groups in updates { self.receive(id: id, groups) }
            group.cancelAll()
        }
    }

    private func receive(id: Int, _ groups: [TargetGroup]) {
        guard let reported = providers[id]?.hasReported else { return }
        stats.receivedUpdates += 1
        if !reported { firstStatePending = true }
        // Mutate in place: a copy of the provider would copy its whole group dictionary (COW)
        // on every update, which is quadratic for a burst of single-group updates.
        providers[id]?.record(groups)
        dirty = true
        lastReceive = .now
        wake.yield()
    }

    private func send() {
        dirty = false
        firstStatePending = false
        let sets = allGroups()
        stats.discoveredTargets = sets.mapValues { $0.reduce(0) { $0 + $1.targets.count } }
        if case .dropped = syncContinuation.yield(sets) { stats.delayedUpdates += 1 }
    }

    /// Every job's groups, from all providers it subscribes to; a job without groups is
    /// present with an empty list so its pool drops its targets.
    func allGroups() -> [String: [TargetGroup]] {
        var out: [String: [TargetGroup]] = [:]
        for job in jobs { out[job] = [] }
        for id in providers.keys.sorted() {
            let p = providers[id]!
            let groups = p.sourceOrder.compactMap { p.groups[$0] }
            for job in p.subscribers where out[job] != nil { out[job]! += groups }
        }
        return out
    }

    /// `lantern_sd_*` self-metrics.
    public func metrics() -> [MetricFamily] {
        stats.families() + KubernetesSDMetrics.shared.families() + [
            MetricFamily(name: "lantern_sd_file_read_errors_total", help: "The number of File-SD read errors.", type: .counter, value: Double(FileSDErrors.shared.total)),
        ]
    }
}

/// Counters behind the `lantern_sd_*` metrics.
struct DiscoveryStats {
    var receivedUpdates = 0
    var delayedUpdates = 0
    var failedConfigs = 0
    var discoveredTargets: [String: Int] = [:]

    func families() -> [MetricFamily] {
        [
            MetricFamily(name: "lantern_sd_received_updates_total", help: "Total number of update events received from the SD providers.", type: .counter, value: Double(receivedUpdates)),
            MetricFamily(name: "lantern_sd_updates_delayed_total", help: "Total number of update events that couldn't be sent immediately.", type: .counter, value: Double(delayedUpdates)),
            MetricFamily(name: "lantern_sd_failed_configs", help: "Current number of service discovery configurations that failed to load.", type: .gauge, value: Double(failedConfigs)),
            MetricFamily(name: "lantern_sd_discovered_targets", help: "Current number of discovered targets.", type: .gauge, samples: discoveredTargets.sorted { $0.key < $1.key }.map {
                MetricSample(labels: Labels(("config", $0.key), ("name", "scrape")), value: Double($0.value))
            }),
        ]
    }
}

extension DiscoveryManager {
    /// The number of running providers (white-box test hook).
    package func providersCountForTesting() -> Int { providers.count }
}
