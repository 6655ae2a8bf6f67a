import Foundation
import Model
import Storage
import Testing

/// Debian's Prometheus 2.42 reads Lantern: through `remote_read` (`/api/v1/read`) and by
/// scraping `/federate` into its own TSDB.
@Suite(.timeLimit(.minutes(2)))
struct RemoteReadFederationTests {
    /// Lantern serving a database of 3 series of `rr_metric` (one sample per 10 s over the
    /// last 10 minutes, value = series*1000 + index) plus an `other_metric`.
    static func startLantern(_ dir: URL) async throws -> (LanternProcess, Int, Timestamp) {
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let storage = try await SQLiteStorage.open(path: data.appendingPathComponent("lantern.db").path)
        let end = Timestamp.now() / 10_000 * 10_000
        var app = storage.appender()
        for s in 0..<3 {
            let labels = Labels(("__name__", "rr_metric"), ("job", "origin"), ("instance", "host-\(s)"), ("series", "\(s)"))
            for i in 0..<60 { _ = try app.append(nil, labels, at: end - Timestamp(59 - i) * 10_000, value: Double(s * 1000 + i) + 0.25) }
        }
        _ = try app.append(nil, Labels(("__name__", "other_metric"), ("job", "origin")), at: end, value: 42)
        try await app.commit()
        try await storage.close()
        try "scrape_configs: []\n".write(to: dir.appendingPathComponent("lantern.yml"), atomically: true, encoding: .utf8)
        let port = try freePort()
        let lantern = try LanternProcess(["serve", "--config.file=lantern.yml", "--web.listen-address=127.0.0.1:\(port)", "--storage.path=data"], directory: dir)
        guard await lantern.waitForPort() == port else { throw PrometheusProcess.PrometheusFailed(log: lantern.logText) }
        return (lantern, port, end)
    }

    @Test func prometheusAnswersQueriesOverLanternsDataThroughRemoteRead() async throws {
        try PrometheusProcess.requireBinary()
        let dir = try makeTemporaryDirectory()
        let (lantern, port, end) = try await Self.startLantern(dir)
        let prom = try await PrometheusProcess(config: """
            global: {scrape_interval: 1m}
            remote_read:
              - url: http://127.0.0.1:\(port)/api/v1/read
                read_recent: true
            """, directory: dir.appendingPathComponent("prom"))
        defer { Task { await prom.stop() } }
        let at = Double(end) / 1000
        let one = try await prom.query(#"rr_metric{series="1"}"#, at: at)
        #expect(one.count == 1, "\(prom.logText)\n\(lantern.logText)")
        #expect(one.first?.0 == ["__name__": "rr_metric", "job": "origin", "instance": "host-1", "series": "1"])
        #expect(one.first?.1 == "1059.25")
        let regex = try await prom.query(#"rr_metric{series=~"0|2"}"#, at: at - 100)
        #expect(Set(regex.map { $0.1 }) == ["49.25", "2049.25"])
        let neq = try await prom.query(#"count(rr_metric{series!="0"})"#, at: at)
        #expect(neq.first?.1 == "2")
        // A range function over the remote samples: 6 samples in the last minute of series 0.
        let counted = try await prom.query(#"count_over_time(rr_metric{series="0"}[59s])"#, at: at)
        #expect(counted.first?.1 == "6")
        let sum = try await prom.query("sum(rr_metric)", at: at)
        #expect(sum.first?.1 == "\(59.25 + 1059.25 + 2059.25)")
        #expect(try await prom.query("other_metric", at: at).first?.1 == "42")
        await prom.stop()
        lantern.signal(SIGTERM)
        _ = await lantern.waitForExit()
    }

    @Test func prometheusScrapesFederateWithHonorLabelsAndStoresTheSeries() async throws {
        try PrometheusProcess.requireBinary()
        let dir = try makeTemporaryDirectory()
        let (lantern, port, end) = try await Self.startLantern(dir)

        // What Lantern serves: the newest sample of each series, with its timestamp.
        let page = try await LoopbackHTTP.request(port: port, path: "/federate?match%5B%5D=rr_metric")
        #expect(page.status == 200)
        #expect(page.body.hasPrefix("# TYPE rr_metric untyped\n"))
        #expect(page.body.contains("rr_metric{instance=\"host-2\",job=\"origin\",series=\"2\"} 2059.25 \(end)\n"), "\(page.body)")
        #expect(!page.body.contains("other_metric"))

        let prom = try await PrometheusProcess(config: """
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: federate
                honor_labels: true
                metrics_path: /federate
                params:
                  'match[]': ['{__name__=~"rr_metric|other_metric"}']
                static_configs:
                  - targets: ['127.0.0.1:\(port)']
            """, directory: dir.appendingPathComponent("prom"))
        defer { Task { await prom.stop() } }
        var result: [([String: String], String)] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            result = (try? await prom.query("rr_metric", at: Double(end) / 1000)) ?? []
            if result.count == 3 { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(result.count == 3, "\(prom.logText)")
        // honor_labels keeps Lantern's job/instance instead of the federation job's.
        let byInstance = Dictionary(result.map { ($0.0["instance"] ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byInstance["host-1"]?.0 == ["__name__": "rr_metric", "job": "origin", "instance": "host-1", "series": "1"])
        #expect(byInstance["host-1"]?.1 == "1059.25")
        #expect(try await prom.query("other_metric", at: Double(end) / 1000).first?.1 == "42")
        // Stored with Lantern's timestamps: the sample is there at `end`, not at scrape time.
        let up = try await prom.query(#"up{job="federate"}"#)
        #expect(up.first?.1 == "1")
        await prom.stop()
        lantern.signal(SIGTERM)
        _ = await lantern.waitForExit()
    }
}
