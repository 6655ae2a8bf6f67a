import Foundation
import Testing

/// Crash safety of the real server: `lantern serve` scrapes ten targets every 100 ms and is
/// SIGKILLed at a random moment, 20 times, restarting on the same storage each time. Whatever
/// the query API returned before a kill must come back bit-exact afterwards (a sample a query
/// saw was committed), the file must open without repair, scraping must resume and `up` be 1.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct KillRestartTests {
    static let rounds = 20
    static let targets = 10
    static let seriesPerTarget = 100
    /// Small, so head checkpoints (partial chunks written, records deleted) run every few
    /// seconds and kills land before, during and after them.
    static let serveArguments = ["serve", "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:0", "--storage.path=data", "--storage.wal-checkpoint-size=128KB"]

    @Test func committedSamplesSurviveTwentySIGKILLsUnderScrapeLoad() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["LANTERN_FAULT_SEED"] ?? "") ?? UInt64.random(in: 0..<1_000_000)
        print("KillRestartTests seed=\(seed) (rerun with LANTERN_FAULT_SEED=\(seed))")
        var rng = SeededRandom(state: seed)
        let dir = try makeTemporaryDirectory()
        var targets: [CountingTarget] = []
        for i in 0..<Self.targets { targets.append(try await CountingTarget.start(index: i, seriesCount: Self.seriesPerTarget)) }
        defer { for t in targets { t.stop() } }
        try writeScrapeConfig(dir, job: "fault", interval: "100ms", timeout: "90ms", targets: targets.map(\.address))

        // (time of the query, window) → what it returned; re-checked after every restart.
        var records: [(time: Double, window: Int, samples: MatrixRecord)] = []
        var readyTimes: [Double] = []
        var checkpoints = 0, chunks = 0
        var previousQueryTime = Date().timeIntervalSince1970 - 1
        for round in 0..<Self.rounds {
            let started = Date()
            let lantern = try LanternProcess(Self.serveArguments, directory: dir)
            let port = try #require(await lantern.waitForPort(), "round \(round) log:\n\(lantern.logText)")
            // A request failing below says why through the server's log and exit status.
            func context() -> String {
                "round \(round), server \(lantern.process.isRunning ? "running" : "exited with \(lantern.process.terminationStatus) (\(lantern.process.terminationReason == .exit ? "exit" : "signal"))"); log:\n\(lantern.logText)"
            }
            do {
                let ready = Date().timeIntervalSince(started)
                readyTimes.append(ready)
                #expect(!lantern.logText.contains("corrupt"), "round \(round) opened with repairs:\n\(lantern.logText)")

                // What the query before the last kill returned is still there, bit for bit (the
                // final start below re-checks every round's record).
                if let r = records.last {
                    let now = try await queryMatrix(port: port, "{__name__=\"fault_sample\"}[\(r.window)ms]", time: r.time)
                    for (series, samples) in r.samples {
                        let got = now[series] ?? [:]
                        let missing = samples.filter { got[$0.key] != $0.value }
                        #expect(missing.isEmpty, "round \(round): \(missing.count) of \(samples.count) samples of \(series) seen before the kill at \(r.time) are gone or changed, e.g. \(missing.first.map { "\($0.key): \($0.value) now \(got[$0.key] ?? "absent")" } ?? "")")
                    }
                }

                // Scraping resumes: every target is up and new samples arrive after the restart.
                let restartMs = Int64(started.timeIntervalSince1970 * 1000)
                let resumed = await eventually(timeout: .seconds(15), every: .milliseconds(100)) {
                    let now = Date().timeIntervalSince1970
                    guard let up = try? await queryMatrix(port: port, "up{job=\"fault\"}[2s]", time: now),
                          up.count == Self.targets else { return false }
                    return up.values.allSatisfy { s in s.contains { $0.key > restartMs && $0.value == "1" } }
                }
                #expect(resumed, "round \(round): scraping did not resume with up=1 for all targets; log:\n\(lantern.logText)")

                // Run for a random while, then record what a query returns and kill right after it.
                try await Task.sleep(for: .milliseconds(Int.random(in: 150...700, using: &rng)))
                let queryTime = Date().timeIntervalSince1970
                let window = Int((queryTime - previousQueryTime) * 1000) + 1_000
                let seen = try await queryMatrix(port: port, "{__name__=\"fault_sample\"}[\(window)ms]", time: queryTime)
                #expect(seen.count == Self.targets * Self.seriesPerTarget, "round \(round): \(seen.count) series")
                records.append((queryTime, window, seen))
                if let m = try? await LoopbackHTTP.request(port: port, path: "/metrics", timeout: 2) {
                    checkpoints += Int(metricValue(m.body, "lantern_tsdb_checkpoints_total") ?? 0)
                    chunks += Int(metricValue(m.body, "lantern_tsdb_chunks_written_total") ?? 0)
                }
                previousQueryTime = queryTime
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...60, using: &rng)))
                lantern.signal(SIGKILL)
            } catch {
                Issue.record(error, "\(context())")
                throw error
            }
            _ = await lantern.waitForExit(timeout: 10)
            let m = try? await LoopbackHTTP.request(port: port, path: "/-/healthy", timeout: 1)
            #expect(m == nil, "the server still answers after SIGKILL")
        }

        // A last start: every record of every round is still there.
        let lantern = try LanternProcess(Self.serveArguments, directory: dir)
        let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")
        var total = 0
        for r in records {
            let now = try await queryMatrix(port: port, "{__name__=\"fault_sample\"}[\(r.window)ms]", time: r.time)
            for (series, samples) in r.samples {
                total += samples.count
                let got = now[series] ?? [:]
                #expect(samples.allSatisfy { got[$0.key] == $0.value }, "final check: samples of \(series) recorded at \(r.time) are gone or changed")
            }
        }
        let metrics = try await LoopbackHTTP.request(port: port, path: "/metrics")
        #expect(metricValue(metrics.body, "lantern_tsdb_wal_corruptions_total") == 0)
        #expect(metricValue(metrics.body, "lantern_tsdb_chunk_corruptions_total") == 0)
        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0, "log:\n\(lantern.logText)")

        let sorted = readyTimes.sorted()
        let median = sorted[sorted.count / 2]
        #expect(checkpoints > 0 && chunks > 0, "the kills should also hit checkpoints and chunk writes")
        print(String(format: "KillRestartTests: %d kills, %d samples re-checked, %d checkpoints and %d chunk writes before kills, time to ready median %.0f ms, max %.0f ms",
                     Self.rounds, total, checkpoints, chunks, median * 1000, (sorted.last ?? 0) * 1000))
    }
}
