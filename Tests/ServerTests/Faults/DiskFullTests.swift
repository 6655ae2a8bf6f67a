import Foundation
import Synchronization
import Testing

/// A full disk: the storage path is a small tmpfs that scraping fills. Commits must fail
/// cleanly (clear log line, `lantern_tsdb_out_of_space`, the target's last error), without a
/// crash or a busy loop, the stored data must stay intact, and ingestion must resume by
/// itself once the file system has space again.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DiskFullTests {
    /// Runs mount(8); returns its error output when it fails.
    static func mount(_ arguments: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = err
        do { try p.run() } catch { return "cannot run mount: \(error)" }
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return p.terminationStatus == 0 ? nil : "mount \(arguments.joined(separator: " ")) failed (status \(p.terminationStatus)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))"
    }

    static func unmount(_ path: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = [path]
        try? p.run()
        p.waitUntilExit()
    }

    @Test func ingestionStopsCleanlyWhenTheDiskIsFullAndResumesWhenSpaceReturns() async throws {
        let dir = try makeTemporaryDirectory()
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        if let failure = Self.mount(["-t", "tmpfs", "-o", "size=640k", "tmpfs", data.path]) {
            print("DiskFullTests skipped: \(failure)")
            try Test.cancel("skipped: \(failure)")
        }
        var servers: [LanternProcess] = []
        defer {
            for s in servers where s.process.isRunning { s.signal(SIGKILL); s.process.waitUntilExit() }
            Self.unmount(data.path)
        }
        let target = try await CountingTarget.start(index: 0, seriesCount: 20)
        defer { target.stop() }
        try writeScrapeConfig(dir, job: "disk", interval: "100ms", timeout: "90ms", targets: [target.address])
        let args = ["serve", "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:0", "--storage.path=data"]
        let lantern = try LanternProcess(args, directory: dir)
        servers.append(lantern)
        let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")

        // Some data first, recorded through the query API.
        #expect(await eventually(timeout: .seconds(10)) {
            ((try? await queryMatrix(port: port, "fault_sample{series=\"0\"}[1m]", time: Date().timeIntervalSince1970))?.first?.value.count ?? 0) >= 10
        })
        let t1 = Date().timeIntervalSince1970
        let before = try await queryMatrix(port: port, "{job=\"disk\"}[1m]", time: t1)
        #expect(before.count == 20 + 5, "20 series plus up and the scrape_* series")

        // Now each scrape brings 3,000 new series with long labels: the tmpfs fills in a few scrapes.
        target.padding.store(120, ordering: .relaxed)
        target.seriesCount.store(3_000, ordering: .relaxed)
        let full = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            let m = try? await LoopbackHTTP.request(port: port, path: "/metrics")
            return m.flatMap { metricValue($0.body, "lantern_tsdb_out_of_space") } == 1
        }
        #expect(full, "log:\n\(lantern.logText)")
        #expect(lantern.process.isRunning)
        #expect(lantern.logText.contains("storage is out of disk space"), "log:\n\(lantern.logText)")
        let targets = try await LoopbackHTTP.request(port: port, path: "/api/v1/targets")
        #expect(targets.body.contains("disk is full"), "the target's last error says why: \(targets.body.prefix(2000))")

        // No busy loop: while full, failed commits follow the scrape interval (10/s), no faster.
        let m0 = metricValue(try await LoopbackHTTP.request(port: port, path: "/metrics").body, "lantern_tsdb_commit_failures_total") ?? 0
        try await Task.sleep(for: .seconds(2))
        let m1 = metricValue(try await LoopbackHTTP.request(port: port, path: "/metrics").body, "lantern_tsdb_commit_failures_total") ?? 0
        #expect(m1 - m0 <= 30, "\(m1 - m0) failed commits in 2 s")
        #expect(lantern.logText.components(separatedBy: "storage is out of disk space").count - 1 <= 2, "rate-limited log lines")

        // What was stored before is unchanged.
        #expect(includes(try await queryMatrix(port: port, "{job=\"disk\"}[1m]", time: t1), before))

        // Space returns: ingestion resumes by itself.
        target.seriesCount.store(20, ordering: .relaxed)
        target.padding.store(0, ordering: .relaxed)
        let remountedAt = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(Self.mount(["-o", "remount,size=64m", data.path]) == nil)
        let resumed = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            guard let up = try? await queryMatrix(port: port, "up{job=\"disk\"}[2s]", time: Date().timeIntervalSince1970) else { return false }
            return up.first?.value.contains { $0.key > remountedAt + 200 && $0.value == "1" } ?? false
        }
        #expect(resumed, "log:\n\(lantern.logText)")
        #expect(metricValue(try await LoopbackHTTP.request(port: port, path: "/metrics").body, "lantern_tsdb_out_of_space") == 0)
        #expect(lantern.logText.contains("commits succeed again"))

        for line in lantern.logText.split(separator: "\n") where line.contains("disk space") || line.contains("succeed again") { print("DiskFullTests: \(line)") }

        // And the file is sound: a restart serves the same records.
        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0, "log:\n\(lantern.logText)")
        let again = try LanternProcess(args, directory: dir)
        servers.append(again)
        let port2 = try #require(await again.waitForPort(), "log:\n\(again.logText)")
        #expect(includes(try await queryMatrix(port: port2, "{job=\"disk\"}[1m]", time: t1), before))
        #expect(!again.logText.contains("corrupt"), "log:\n\(again.logText)")
        again.signal(SIGTERM)
        #expect(await again.waitForExit() == 0)
    }
}
