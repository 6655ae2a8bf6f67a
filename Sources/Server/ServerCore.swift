public import Logging
import Model

/// The server's mutable heart: the running configuration and the open storage. One actor,
/// so a reload and a shutdown never interleave.
actor ServerCore {
    let options: ServerOptions
    let configSource: ConfigSource
    let registry: MetricsRegistry
    let readiness: Readiness
    let logger: Logger
    private var reloads = ReloadStats()

    init(options: ServerOptions, configSource: ConfigSource, registry: MetricsRegistry, readiness: Readiness, logger: Logger) {
        self.options = options
        self.configSource = configSource
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
    }

    /// Loads the configuration and opens storage; any failure here stops the start.
    func start() async throws {
        let stats = ReloadStatsBox(core: self)
        await registry.register(ClosureCollector { await stats.families() })
        do {
            _ = try configSource.load()
            reloads.record(success: true)
        } catch {
            throw ServerError.config("\(error)")
        }
        readiness.markReady()
    }

    /// Re-reads the configuration file; on error the running configuration stays.
    func reload() async -> Result<Void, any Error> {
        do {
            _ = try configSource.load()
            reloads.record(success: true)
            logger.info("Completed loading of configuration file", metadata: ["filename": "\(configSource.describe())"])
            return .success(())
        } catch {
            reloads.record(success: false)
            logger.error("Error reloading config", metadata: ["err": "\(error)"])
            return .failure(error)
        }
    }

    /// Flushes and closes storage.
    func stop() async {
        readiness.markNotReady()
    }

    fileprivate func reloadFamilies() -> [MetricFamily] { reloads.families() }
}

/// `lantern_config_last_reload_*`: the reload metrics Prometheus alerts are written against.
struct ReloadStats {
    var lastSuccessful = true
    var lastSuccessTime: Double = 0
    var failures = 0

    mutating func record(success: Bool) {
        lastSuccessful = success
        if success { lastSuccessTime = Double(Timestamp.now()) / 1000 } else { failures += 1 }
    }

    func families() -> [MetricFamily] {
        [
            MetricFamily(name: "lantern_config_last_reload_successful", help: "Whether the last configuration reload attempt was successful.", type: .gauge, value: lastSuccessful ? 1 : 0),
            MetricFamily(name: "lantern_config_last_reload_success_timestamp_seconds", help: "Timestamp of the last successful configuration reload.", type: .gauge, value: lastSuccessTime),
        ]
    }
}

/// Breaks the registry → core reference cycle at registration time.
private struct ReloadStatsBox: Sendable {
    let core: ServerCore
    func families() async -> [MetricFamily] { await core.reloadFamilies() }
}
