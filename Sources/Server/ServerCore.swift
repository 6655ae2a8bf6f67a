public import Config
import Discovery
import Foundation
public import Logging
import Model
import Scrape
import Storage

/// The server's mutable heart: the open storage, the running configuration, discovery and
/// scraping. One actor, so a reload and a shutdown never interleave.
actor ServerCore {
    let options: ServerOptions
    let configSource: ConfigSource
    let registry: MetricsRegistry
    let readiness: Readiness
    let logger: Logger
    private var reloads = ReloadStats()
    private var storage: SQLiteStorage?
    /// `remote_write` queues, a secondary of `fanout`; applied again on every reload.
    private var remoteWrite: RemoteWriteGroup?
    /// What scraping writes to: the SQLite storage first, then the remote-write queues.
    private var fanout: FanoutStorage?
    private var config: PrometheusConfig?
    private var discovery: DiscoveryManager?
    private var scrape: ScrapeManager?
    private var background: [Task<Void, Never>] = []
    private var selfAddress = "127.0.0.1:9090"

    init(options: ServerOptions, configSource: ConfigSource, registry: MetricsRegistry, readiness: Readiness, logger: Logger) {
        self.options = options
        self.configSource = configSource
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
    }

    /// Validates the configuration and opens storage; any failure here stops the start.
    func start(selfAddress: String) async throws {
        self.selfAddress = selfAddress
        let core = ReloadStatsBox(core: self)
        await registry.register(ClosureCollector { await core.families() })
        do {
            config = try configSource.load(selfAddress: selfAddress)
        } catch {
            throw ServerError.config("\(error)")
        }
        let storage = try await openStorage()
        self.storage = storage
        let remote = RemoteWriteGroup(source: storage, logger: logger)
        let fanout = FanoutStorage(primary: storage, secondaries: [remote], logger: logger)
        remoteWrite = remote
        self.fanout = fanout
        await registry.register(ClosureCollector {
            StorageMetricFamilies.families(storage.collectMetrics() + fanout.collectMetrics() + remote.collectMetrics())
        })
        logger.info("TSDB started", metadata: ["path": "\(options.storagePath)"])
    }

    private func openStorage() async throws -> SQLiteStorage {
        do {
            try FileManager.default.createDirectory(atPath: options.storagePath, withIntermediateDirectories: true)
            var storageOptions = StorageOptions()
            storageOptions.retention = options.retentionTime > 0 ? .milliseconds(options.retentionTime) : nil
            storageOptions.maxBytes = options.retentionSize > 0 ? options.retentionSize : nil
            storageOptions.walCheckpointBytes = options.walCheckpointBytes
            let path = (options.storagePath as NSString).appendingPathComponent("lantern.db")
            return try await SQLiteStorage.open(path: path, options: storageOptions, logger: logger)
        } catch {
            throw ServerError.storage("\(error)")
        }
    }

    /// Starts discovery and scraping with the loaded configuration, once HTTP listens on
    /// `port` (the embedded default scrapes this server itself).
    func startScraping(port: Int) async throws {
        guard let fanout, var config else { return }
        let host = selfAddress.split(separator: ":").dropLast().joined(separator: ":")
        if port != Int(selfAddress.split(separator: ":").last ?? "") {
            selfAddress = "\(host):\(port)"
            if configSource.path == nil { config = try configSource.load(selfAddress: selfAddress) }
        }
        let discovery = DiscoveryManager(userAgent: "lantern/\(BuildInfo.version)", logger: logger)
        let scrape = ScrapeManager(storage: fanout, userAgent: "Lantern/\(BuildInfo.version)", logger: logger)
        self.discovery = discovery
        self.scrape = scrape
        await registry.register(ClosureCollector { await discovery.metrics() })
        let scrapeMetrics = scrape.metrics
        await registry.register(ClosureCollector { scrapeMetrics.collect() })
        background.append(Task { await discovery.run() })
        background.append(Task { await scrape.run(targetSets: discovery.syncStream) })
        try await apply(config)
        self.config = config
        reloads.record(success: true)
        readiness.markReady()
        logger.info("Server is ready to receive web requests.", metadata: ["address": "\(selfAddress)"])
    }

    private func apply(_ config: PrometheusConfig) async throws {
        await remoteWrite?.apply(try config.remoteWriteOptions())
        try await scrape?.applyConfig(config.scrapeConfigs)
        await discovery?.applyConfig(Dictionary(config.scrapeConfigs.map { ($0.jobName, $0.sdConfigs) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Re-reads the configuration file; on error the running configuration stays.
    func reload() async -> Result<Void, any Error> {
        do {
            let new = try configSource.load(selfAddress: selfAddress)
            try await apply(new)
            config = new
            reloads.record(success: true)
            logger.info("Completed loading of configuration file", metadata: ["filename": "\(configSource.describe())"])
            return .success(())
        } catch {
            reloads.record(success: false)
            logger.error("Error reloading config", metadata: ["err": "\(error)"])
            return .failure(error)
        }
    }

    /// Stops scraping (staleness markers are written), then flushes and closes storage.
    func stop() async {
        readiness.markNotReady()
        await scrape?.stopAll()
        for t in background { t.cancel() }
        for t in background { await t.value }
        background.removeAll()
        do {
            try await remoteWrite?.close()
            try await storage?.close()
        } catch {
            logger.error("Closing storage failed", metadata: ["err": "\(error)"])
        }
        storage = nil
        fanout = nil
        remoteWrite = nil
    }

    /// The running storage (nil before start and after stop).
    var openStorageHandle: SQLiteStorage? { storage }

    /// The running configuration, for `/api/v1/status/config`.
    var currentConfig: PrometheusConfig? { config }

    /// Whether the last reload succeeded, and when the last successful one happened (Unix seconds).
    var reloadStatus: (successful: Bool, lastSuccess: Double) { (reloads.lastSuccessful, reloads.lastSuccessTime) }

    /// `global.external_labels` of the running configuration (remote read adds them).
    var externalLabels: Labels { Labels(config?.global.externalLabels ?? [:]) }

    /// The scrape manager, for `/api/v1/targets`.
    var scrapeManager: ScrapeManager? { scrape }

    fileprivate func reloadFamilies() -> [MetricFamily] { reloads.families() }
}

/// `lantern_config_last_reload_*`: the reload metrics Prometheus alerts are written against.
struct ReloadStats {
    var lastSuccessful = true
    var lastSuccessTime: Double = 0

    mutating func record(success: Bool) {
        lastSuccessful = success
        if success { lastSuccessTime = Double(Timestamp.now()) / 1000 }
    }

    func families() -> [MetricFamily] {
        [
            MetricFamily(name: "lantern_config_last_reload_successful", help: "Whether the last configuration reload attempt was successful.", type: .gauge, value: lastSuccessful ? 1 : 0),
            MetricFamily(name: "lantern_config_last_reload_success_timestamp_seconds", help: "Timestamp of the last successful configuration reload.", type: .gauge, value: lastSuccessTime),
        ]
    }
}

/// Lets the registry read the core's reload stats without a strong cycle at registration.
private struct ReloadStatsBox: Sendable {
    let core: ServerCore
    func families() async -> [MetricFamily] { await core.reloadFamilies() }
}

/// Groups the storage's flat metric list into families for `/metrics`.
enum StorageMetricFamilies {
    static func families(_ metrics: [StorageMetric]) -> [MetricFamily] {
        var order: [String] = []
        var byName: [String: MetricFamily] = [:]
        for m in metrics {
            let sample = MetricSample(labels: m.labels, value: m.value)
            if byName[m.name] == nil {
                order.append(m.name)
                byName[m.name] = MetricFamily(name: m.name, help: m.help, type: m.type == .counter ? .counter : .gauge, samples: [])
            }
            byName[m.name]!.samples.append(sample)
        }
        return order.map { byName[$0]! }
    }
}
