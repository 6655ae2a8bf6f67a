import Foundation
import Logging
import Testing
@testable import Server

@Suite(.timeLimit(.minutes(2)))
struct ServeTests {
    @Test func listenAddressParsing() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:9090") == ListenAddress(parsing: "127.0.0.1:9090"))
        #expect(try ListenAddress(parsing: ":9090").host == "0.0.0.0")
        #expect(try ListenAddress(parsing: "[::1]:80").host == "::1")
        #expect(throws: ServerError.self) { try ListenAddress(parsing: "localhost") }
        #expect(throws: ServerError.self) { try ListenAddress(parsing: "localhost:99999") }
    }

    @Test func servesHealthReadinessAndMetricsInProcess() async throws {
        let dir = try makeTemporaryDirectory()
        var options = ServerOptions()
        options.listenAddress = "127.0.0.1:0"
        options.storagePath = dir.appendingPathComponent("data").path
        options.configFile = nil
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let server = LanternServer(options: options, logger: Logger(label: "test"))
        let task = Task { try await server.run(onListening: { portSink.yield($0) }) }
        defer { task.cancel() }
        var it = ports.makeAsyncIterator()
        let port = try #require(await it.next())

        let healthy = try await LoopbackHTTP.request(port: port, path: "/-/healthy")
        #expect(healthy.status == 200)
        let ready = try await LoopbackHTTP.request(port: port, path: "/-/ready")
        #expect(ready.status == 200)
        let metrics = try await LoopbackHTTP.request(port: port, path: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(metrics.body.contains("# TYPE process_resident_memory_bytes gauge"))
        #expect(metrics.body.contains("lantern_build_info{version=\"\(BuildInfo.version)\"} 1"))
        #expect(metrics.body.contains("lantern_config_last_reload_successful 1"))
        // Lifecycle endpoints are off unless --web.enable-lifecycle, as in Prometheus.
        let reload = try await LoopbackHTTP.request("POST", port: port, path: "/-/reload")
        #expect(reload.status == 403)
        let missing = try await LoopbackHTTP.request(port: port, path: "/nope")
        #expect(missing.status == 404)
    }

    @Test func binaryShutsDownCleanlyOnSIGTERMAndReloadsOnSIGHUP() async throws {
        let dir = try makeTemporaryDirectory()
        let lantern = try LanternProcess(["serve", "--web.listen-address=127.0.0.1:0", "--storage.path=data"], directory: dir)
        let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")
        #expect(try await LoopbackHTTP.request(port: port, path: "/-/ready").status == 200)
        lantern.signal(SIGHUP)
        #expect(await lantern.waitForLog("Completed loading of configuration file"), "log:\n\(lantern.logText)")
        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0, "log:\n\(lantern.logText)")
        #expect(lantern.logText.contains("See you next time!"))
    }

    @Test func badFlagsAreRejectedWithTheFlagName() async throws {
        let dir = try makeTemporaryDirectory()
        let lantern = try LanternProcess(["serve", "--log.level=loud"], directory: dir)
        #expect(await lantern.waitForExit() != 0)
        #expect(lantern.logText.contains("--log.level"))
    }
}
