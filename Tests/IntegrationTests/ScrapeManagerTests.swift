import Config
import Foundation
import HTTPTypes
import Logging
import Model
import Storage
import Testing
@testable import Scrape

/// The scrape manager with real targets: target sets in, samples and staleness markers out.
@Suite(.timeLimit(.minutes(1)))
struct ScrapeManagerTests {
    func job(_ name: String, interval: String = "100ms", extra: String = "") throws -> ScrapeConfig {
        let yaml = "scrape_configs:\n  - job_name: \(name)\n    scrape_interval: \(interval)\n    scrape_timeout: \(interval)\n\(extra)"
        return try ConfigLoader.parse(yaml: yaml, baseDirectory: "/tmp").scrapeConfigs[0]
    }

    @Test func scrapesSyncedTargetsAndMarksRemovedTargetsStale() async throws {
        let storage = try await makeStorage()
        let target = try await FakeTarget.start { _ in reply(.ok, Array("metric_a 1\n".utf8), headers: [("Content-Type", "text/plain; version=0.0.4")]) }
        defer { target.stop() }
        let manager = ScrapeManager(storage: storage, userAgent: "Lantern/test", logger: Logger(label: "t"))
        let (updates, send) = AsyncStream<[String: [TargetGroup]]>.makeStream()
        let runner = Task { await manager.run(targetSets: updates) }
        try await manager.applyConfig([try job("fast")])
        let address = "127.0.0.1:\(target.port)"
        send.yield(["fast": [TargetGroup(source: "0", targets: [Labels(("__address__", address))])]])
        let scraped = await eventually { ((try? await storage.dump(name: "up"))?.values.first ?? []).count >= 3 }
        #expect(scraped, "scraped several times")
        // Health is that of the latest scrape; on a loaded machine one 100 ms scrape may time out.
        #expect(await eventually { let active = await manager.activeTargets(); return active.count == 1 && active.first?.health.state == .up })

        // The target disappears from discovery: its loop stops and writes staleness markers.
        send.yield(["fast": []])
        #expect(await eventually { await manager.activeTargets().isEmpty })
        // The target leaves the active list when its loop is told to stop; the loop's last
        // commit (the markers) may land a moment later, so wait for it.
        let staled = await eventually {
            let a = (try? await storage.dump(name: "metric_a").values.first) ?? []
            let up = (try? await storage.dump(name: "up").values.first) ?? []
            return a.last?.v.isStaleMarker == true && up.last?.v.isStaleMarker == true
        }
        #expect(staled, "metric_a and up end with staleness markers")
        send.finish()
        await runner.value
        try await storage.close()
    }

    @Test func changedJobRestartsItsLoopsAndUnchangedJobKeepsThem() async throws {
        let storage = try await makeStorage()
        let target = try await FakeTarget.start { _ in reply(.ok, Array("m 1\n".utf8), headers: [("Content-Type", "text/plain; version=0.0.4")]) }
        defer { target.stop() }
        let manager = ScrapeManager(storage: storage, userAgent: "Lantern/test", logger: Logger(label: "t"))
        let (updates, send) = AsyncStream<[String: [TargetGroup]]>.makeStream()
        let runner = Task { await manager.run(targetSets: updates) }
        let group = [TargetGroup(source: "0", targets: [Labels(("__address__", "127.0.0.1:\(target.port)"))])]
        try await manager.applyConfig([try job("a"), try job("b")])
        send.yield(["a": group, "b": group])
        let started = await eventually {
            let now = await manager.activeTargets()
            return now.count == 2 && now.allSatisfy { $0.health.lastScrape > 0 }
        }
        #expect(started)
        let before = Dictionary(uniqueKeysWithValues: await manager.activeTargets().map { ($0.scrapePool, $0.health.lastScrape) })
        try await manager.applyConfig([try job("a"), try job("b", interval: "150ms")])
        #expect(await eventually {
            let now = await manager.activeTargets()
            return now.count == 2 && (now.first { $0.scrapePool == "a" }?.health.lastScrape ?? 0) > (before["a"] ?? 0)
        })
        let after = await manager.activeTargets()
        #expect(after.count == 2)
        #expect(after.first { $0.scrapePool == "b" }?.target.intervalMillis == 150)
        #expect(after.first { $0.scrapePool == "a" }?.target.intervalMillis == 100)
        #expect((after.first { $0.scrapePool == "a" }?.health.lastScrape ?? 0) > (before["a"] ?? 0), "job a kept scraping")
        send.finish()
        await runner.value
        try await storage.close()
    }
}
