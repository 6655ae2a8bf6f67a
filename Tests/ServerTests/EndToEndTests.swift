import Foundation
import KubernetesConformance
import Model
import Storage
import Testing

/// A free loopback port (bound and released; the test binds it again right away).
func freePort() throws -> Int { LoopbackPort.free() }

/// The whole server as users run it: the binary, a prometheus.yml, scraping, SQLite, signals.
@Suite(.timeLimit(.minutes(2)))
struct EndToEndTests {
    @Test func scrapesItselfStoresSamplesAndSurvivesABadReload() async throws {
        let dir = try makeTemporaryDirectory()
        let port = try freePort()
        let config = dir.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: 200ms
          scrape_timeout: 200ms
        scrape_configs:
          - job_name: self
            static_configs:
              - targets: ["127.0.0.1:\(port)"]
                labels: {env: e2e}
        """.write(to: config, atomically: true, encoding: .utf8)
        let lantern = try LanternProcess(
            ["serve", "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:\(port)", "--storage.path=data"],
            directory: dir
        )
        #expect(await lantern.waitForPort() == port, "log:\n\(lantern.logText)")
        // A second process reads the file while serve writes it (each open is a snapshot).
        func readUp() async throws -> SeriesSet {
            let reader = try await SQLiteStorage.openReadOnly(path: dir.appendingPathComponent("data/lantern.db").path)
            let q = try await reader.querier(mint: .min, maxt: .max)
            let up = try await q.select(matchers: [Matcher(.equal, "__name__", "up"), Matcher(.equal, "job", "self")])
            await q.close()
            try await reader.close()
            return up
        }
        #expect(await eventually(timeout: .seconds(20)) { ((try? await readUp())?.series.first?.allSamples().count ?? 0) >= 3 })
        let up = try await readUp()
        let m0 = try await LoopbackHTTP.request(port: port, path: "/metrics")
        let series = try #require(up.series.first, "log:\n\(lantern.logText)\n\(m0.body)")
        #expect(series.labels["env"] == "e2e")
        #expect(series.labels["instance"] == "127.0.0.1:\(port)")
        #expect(series.allSamples().count >= 3)
        #expect(series.allSamples().allSatisfy { $0.v == 1 })

        // The targets API shows the target as Prometheus does.
        let targets = try await LoopbackHTTP.request(port: port, path: "/api/v1/targets")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(targets.body.utf8)) as? [String: Any])
        #expect(json["status"] as? String == "success")
        let active = try #require(((json["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]])?.first)
        #expect(active["health"] as? String == "up")
        #expect(active["scrapePool"] as? String == "self")
        #expect(active["scrapeUrl"] as? String == "http://127.0.0.1:\(port)/metrics")
        #expect(active["scrapeInterval"] as? String == "200ms")
        #expect((active["labels"] as? [String: String])?["env"] == "e2e")
        #expect((active["discoveredLabels"] as? [String: String])?["__address__"] == "127.0.0.1:\(port)")
        let metadata = try await LoopbackHTTP.request(port: port, path: "/api/v1/metadata?metric=lantern_build_info")
        #expect(metadata.body.contains(#""lantern_build_info":[{"#) && metadata.body.contains(#""type":"gauge""#), "\(metadata.body)")
        let bad = try await LoopbackHTTP.request(port: port, path: "/api/v1/targets/metadata?match_target=%7Bjob%3D")
        #expect(bad.status == 400 && bad.body.contains(#""errorType":"bad_data""#))

        // A broken config is rejected on SIGHUP; the old one keeps running.
        try "scrape_configs:\n  - job_name: self\n    scrape_interval: banana\n".write(to: config, atomically: true, encoding: .utf8)
        lantern.signal(SIGHUP)
        #expect(await lantern.waitForLog("Error reloading config"), "log:\n\(lantern.logText)")
        let metrics = try await LoopbackHTTP.request(port: port, path: "/metrics")
        #expect(metrics.body.contains("lantern_config_last_reload_successful 0"))
        #expect(metrics.body.contains("lantern_tsdb_"), "storage self-metrics are exposed")

        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0, "log:\n\(lantern.logText)")
    }

    @Test func checkConfigReportsLikePromtool() async throws {
        let dir = try makeTemporaryDirectory()
        try "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['x:1']}]\n".write(to: dir.appendingPathComponent("good.yml"), atomically: true, encoding: .utf8)
        try "scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n".write(to: dir.appendingPathComponent("bad.yml"), atomically: true, encoding: .utf8)
        let good = try LanternProcess(["check", "config", "good.yml"], directory: dir, captureStdout: true)
        #expect(await good.waitForExit() == 0)
        #expect(good.stdoutText.contains("SUCCESS: good.yml is valid prometheus config file syntax"))
        let bad = try LanternProcess(["check", "config", "good.yml", "bad.yml"], directory: dir, captureStdout: true)
        #expect(await bad.waitForExit() == 1)
        #expect(bad.stdoutText.contains("FAILED: bad.yml:3"), "\(bad.stdoutText)")
        #expect(bad.stdoutText.contains("scrape_intervall"))
    }
}
