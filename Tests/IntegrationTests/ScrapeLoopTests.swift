import Config
import Foundation
import Hummingbird
import Logging
import Model
import Storage
import Synchronization
import Testing
@testable import Scrape

/// A target whose body the test changes between scrapes.
final class MutableBody: Sendable {
    private let text = Mutex<(String, String)>(("", "text/plain; version=0.0.4"))
    func set(_ body: String, contentType: String = "text/plain; version=0.0.4") { text.withLock { $0 = (body, contentType) } }
    var current: (String, String) { text.withLock { $0 } }
}

/// The scrape loop end to end: real HTTP on loopback, real libcurl, real SQLite.
@Suite(.timeLimit(.minutes(1)))
struct ScrapeLoopTests {
    func loop(_ body: MutableBody, storage: SQLiteStorage, edit: (inout ScrapeSettings) -> Void = { _ in }) async throws -> (ScrapeLoop, FakeTarget) {
        let target = try await FakeTarget.start { _ in
            let (text, type) = body.current
            return reply(.ok, Array(text.utf8), headers: [("Content-Type", type)])
        }
        let builder = TargetBuilder(jobName: "node", interval: .seconds(15), timeout: .seconds(10))
        guard case .target(let t) = builder.build(target: Labels(("__address__", "127.0.0.1:\(target.port)")), groupLabels: Labels(("env", "test"))) else {
            throw ScrapeError(message: "no target")
        }
        var settings = ScrapeSettings(jobName: "node", acceptHeader: ScrapeProtocol.acceptHeader())
        edit(&settings)
        return (ScrapeLoop(target: t, settings: settings, storage: storage, scraper: CurlMultiDriver.shared, logger: Logger(label: "t")), target)
    }

    @Test func appendsSamplesWithTargetLabelsAndReportSeries() async throws {
        let storage = try await makeStorage()
        let body = MutableBody()
        body.set("# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 1027\nhttp_requests_total{code=\"500\"} 3\ntemp 21.5 1000\n")
        var (loop, target) = try await loop(body, storage: storage)
        await loop.scrapeOnce(at: 10_000)
        let instance = "127.0.0.1:\(target.port)"
        let reqs = try await storage.dump(name: "http_requests_total")
        #expect(reqs["{__name__=\"http_requests_total\", code=\"200\", env=\"test\", instance=\"\(instance)\", job=\"node\"}"] == [Sample(t: 10_000, v: 1027)])
        #expect(try await storage.dump(name: "temp").values.first == [Sample(t: 1000, v: 21.5)], "honor_timestamps keeps the exposed time")
        #expect(try await storage.dump(name: "up").values.first == [Sample(t: 10_000, v: 1)])
        #expect(try await storage.dump(name: "scrape_samples_scraped").values.first == [Sample(t: 10_000, v: 3)])
        #expect(try await storage.dump(name: "scrape_series_added").values.first == [Sample(t: 10_000, v: 3)])
        #expect(loop.health.snapshot.state == .up)

        // Second scrape: one series vanished → staleness marker; cached series added = 0.
        body.set("http_requests_total{code=\"200\"} 1030\ntemp 22 2000\n")
        await loop.scrapeOnce(at: 25_000)
        let gone = try await storage.dump([Matcher(.equal, "code", "500")]).values.first ?? []
        #expect(gone.count == 2 && gone[1].t == 25_000 && gone[1].v.isStaleMarker)
        #expect(try await storage.dump(name: "scrape_series_added").values.first?.last == Sample(t: 25_000, v: 0))
        try await storage.close()
    }

    @Test func aMalformedScrapeCommitsNothingAndMarksUpZero() async throws {
        let storage = try await makeStorage()
        let body = MutableBody()
        body.set("a 1\nb 2\n")
        var (loop, server) = try await loop(body, storage: storage); defer { server.stop() }
        await loop.scrapeOnce(at: 1000)
        body.set("a 5\nb{ 2\nc 3\n")
        await loop.scrapeOnce(at: 2000)
        #expect(try await storage.dump(name: "up").values.first == [Sample(t: 1000, v: 1), Sample(t: 2000, v: 0)])
        let a = try await storage.dump(name: "a").values.first ?? []
        #expect(a.count == 2 && a[0] == Sample(t: 1000, v: 1) && a[1].v.isStaleMarker, "nothing of the bad scrape; the old series go stale")
        #expect(try await storage.dump(name: "c").isEmpty)
        let health = loop.health.snapshot
        #expect(health.state == .down)
        #expect(health.lastError.contains("line 2"), "\(health.lastError)")
        try await storage.close()
    }

    @Test func honorLabelsSampleLimitAndMetricRelabeling() async throws {
        let storage = try await makeStorage()
        let body = MutableBody()
        body.set("m{job=\"other\",x=\"1\"} 1\ndrop_me 2\nkeep 3\n")
        var (loop, server) = try await loop(body, storage: storage) { s in
            s.metricRelabelRules = [try! RelabelRule(sourceLabels: ["__name__"], regex: "drop_.*", action: .drop)]
        }
        defer { server.stop() }
        await loop.scrapeOnce(at: 1000)
        let m = try await storage.dump(name: "m")
        #expect(m.keys.first?.contains("exported_job=\"other\"") == true && m.keys.first?.contains("job=\"node\"") == true)
        #expect(try await storage.dump(name: "drop_me").isEmpty)
        #expect(try await storage.dump(name: "scrape_samples_post_metric_relabeling").values.first == [Sample(t: 1000, v: 2)])

        var (limited, server2) = try await self.loop(body, storage: storage) { $0.sampleLimit = 1 }; defer { server2.stop() }
        await limited.scrapeOnce(at: 5000)
        #expect(limited.health.snapshot.lastError == "sample limit exceeded")
        try await storage.close()
    }

    @Test func unreachableTargetIsDownWithTheError() async throws {
        let storage = try await makeStorage()
        let builder = TargetBuilder(jobName: "j", interval: .seconds(15), timeout: .seconds(1))
        guard case .target(let t) = builder.build(target: Labels(("__address__", "127.0.0.1:1")), groupLabels: .empty) else { return }
        var loop = ScrapeLoop(target: t, settings: ScrapeSettings(jobName: "j", acceptHeader: "*/*"), storage: storage, scraper: CurlMultiDriver.shared, logger: Logger(label: "t"))
        await loop.scrapeOnce(at: 1000)
        #expect(try await storage.dump(name: "up").values.first == [Sample(t: 1000, v: 0)])
        #expect(loop.health.snapshot.lastError.contains("127.0.0.1:1"))
        try await storage.close()
    }
}
