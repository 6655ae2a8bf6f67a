import Hummingbird
import HummingbirdCore
import Lifecycle
public import Logging
import Model
import NIOCore
import Query
import Storage
import ServiceLifecycle
import UnixSignals

/// `lantern serve`: opens storage, loads the configuration, serves HTTP and runs until
/// SIGTERM/SIGINT (graceful: stop serving, flush, close the file). SIGHUP reloads the
/// configuration; a bad one is logged and the running one stays.
public struct LanternServer: Sendable {
    let options: ServerOptions
    let logger: Logger

    public init(options: ServerOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Runs until shut down.
    /// - Parameter onListening: called with the bound port once HTTP is up (tests use port 0).
    /// - Throws: `ServerError` when the flags, the configuration or the storage are unusable at start.
    public func run(onListening: (@Sendable (Int) async -> Void)? = nil) async throws {
        let address = try ListenAddress(parsing: options.listenAddress)
        // The web configuration first: a bad one stops the server before storage opens.
        let access = try WebAccess.load(path: options.webConfigFile, logger: logger)
        let startTime = Double(Timestamp.now()) / 1000
        let registry = MetricsRegistry()
        await registry.register(ProcessMetrics(startTime: startTime))
        await registry.register(BuildInfo.collector)
        let readiness = Readiness()

        let configSource = ConfigSource(explicitPath: options.configFile, logger: logger)
        let core = ServerCore(options: options, configSource: configSource, registry: registry, readiness: readiness, logger: logger)
        try await core.start(selfAddress: address.description)

        let shutdown = ShutdownTrigger()
        let router = Router()
        // Outermost: everything but the light look-ups leaves the connection's event loop.
        router.add(middleware: OffLoopMiddleware())
        // Before every route and before gzip: authentication covers every endpoint.
        if let middleware = access.middleware { router.add(middleware: middleware) }
        let bodyLimitMetrics = RequestBodyLimitMetrics()
        await registry.register(ClosureCollector { bodyLimitMetrics.collect() })
        router.add(middleware: RequestBodyLimitMiddleware(limit: options.maxRequestBodySize, metrics: bodyLimitMetrics))
        router.add(middleware: GzipMiddleware())
        LifecycleRoutes.add(
            to: router, registry: registry, readiness: readiness, lifecycleEnabled: options.enableLifecycle,
            actions: LifecycleActions(reload: { await core.reload() }, quit: { await shutdown.fire() })
        )
        TargetsAPI.add(to: router) { await core.scrapeManager }
        var lightAPI: QueryAPI?
        if let storage = await core.openStorageHandle {
            let api = queryAPI(storage)
            lightAPI = api
            let queryMetrics = api.runner.metrics
            await registry.register(ClosureCollector { queryMetrics.collect() })
            api.addRoutes(to: router)
        }
        StatusAPI.add(to: router, core: core, options: options, startTime: Timestamp(startTime * 1000))
        ExportAPI.add(to: router) { await core.openStorageHandle }
        RemoteReadAPI.add(to: router, externalLabels: { await core.externalLabels }) { await core.openStorageHandle }
        FederateAPI.add(to: router) { await core.openStorageHandle }
        AdminAPI.add(to: router, enabled: options.enableAdminAPI, storagePath: options.storagePath) { await core.openStorageHandle }
        let logger = self.logger
        let app = Application(
            router: router,
            server: access.server(LightResponder.lantern(api: lightAPI, readiness: readiness)),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                logger.info("Listening", metadata: ["address": "\(address.host):\(port)"])
                do {
                    try await core.startScraping(port: port)
                } catch {
                    logger.error("Starting scrape manager failed", metadata: ["err": "\(error)"])
                    await shutdown.fire()
                }
                await onListening?(port)
            },
            logger: logger
        )
        let services: [any Service] = [CoreService(core: core), ReloadOnHangup(core: core), app]
        // Cancelling `run` (tests do) shuts down as gracefully as SIGTERM does: see GracefulServiceGroup.
        let group = GracefulServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        await shutdown.set(group.group)
        try await group.run()
        logger.info("See you next time!")
    }
}

extension LanternServer {
    /// The read API over `storage`, with the `--query.*` flags.
    func queryAPI(_ storage: SQLiteStorage) -> QueryAPI {
        var engine = EngineOptions()
        engine.lookbackDelta = options.queryLookbackDelta
        engine.maxSamples = options.queryMaxSamples
        engine.timeout = .milliseconds(options.queryTimeout)
        let runner = QueryRunner(storage: storage, options: engine, maxConcurrency: options.queryMaxConcurrency)
        var api = QueryAPI(runner: runner, queryable: storage)
        api.maxFormBytes = options.maxRequestBodySize
        return api
    }
}

/// Lets `/-/quit` start the same graceful shutdown as SIGTERM.
actor ShutdownTrigger {
    private var group: ServiceGroup?
    private var pending = false

    func set(_ group: ServiceGroup) async {
        self.group = group
        if pending { await group.triggerGracefulShutdown() }
    }

    func fire() async {
        if let group { await group.triggerGracefulShutdown() } else { pending = true }
    }
}

/// Keeps the core running while the group runs, and stops it (flush and close) on shutdown.
struct CoreService: Service {
    let core: ServerCore
    func run() async throws {
        try? await gracefulShutdown()
        await core.stop()
    }
}

/// SIGHUP → reload, as Prometheus does.
struct ReloadOnHangup: Service {
    let core: ServerCore
    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await withGracefulShutdownHandler {
            for await _ in signals.cancelOnGracefulShutdown() {
                _ = await core.reload()
            }
        } onGracefulShutdown: {}
    }
}
