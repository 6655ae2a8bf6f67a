import Foundation
import Model
import Storage
import Synchronization
import Testing

/// Debian's `prometheus` and `promtool` (CI installs the `prometheus` package in `.ci/run`).
enum PrometheusBinaries {
    static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let url = URL(fileURLWithPath: dir).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    static let missingMessage = "prometheus/promtool not found: install Debian's package (apt-get install prometheus), as .ci/run does"
}

/// The same hour of data loaded into a real Prometheus 2.42 (through `promtool tsdb
/// create-blocks-from openmetrics`) and into Lantern (through the storage API), then both
/// servers started on loopback. Samples sit at `k*15s + 1.234s`, and queries run at whole
/// minutes plus 30s, so no sample or subquery step ever lands exactly on a range or lookback
/// boundary: Prometheus 3 (whose semantics Lantern follows) made ranges left-open, 2.42
/// closed, and that difference stays out of the comparison.
final class InteropFixture: Sendable {
    let dir: URL
    let lantern: LanternProcess
    let prometheus: LanternProcess
    let lanternPort: Int
    let prometheusPort: Int
    /// The evaluation time of instant queries (Unix seconds); data ends 43.766s before.
    let evalTime: Int64

    private init(dir: URL, lantern: LanternProcess, prometheus: LanternProcess, lanternPort: Int, prometheusPort: Int, evalTime: Int64) {
        self.dir = dir
        self.lantern = lantern
        self.prometheus = prometheus
        self.lanternPort = lanternPort
        self.prometheusPort = prometheusPort
        self.evalTime = evalTime
    }

    deinit {
        lantern.signal(SIGKILL)
        prometheus.signal(SIGKILL)
    }

    /// One fixture for the whole suite (two server starts cost seconds).
    static func shared() async throws -> InteropFixture? {
        try await Holder.instance.get()
    }

    private actor Holder {
        static let instance = Holder()
        private var task: Task<InteropFixture?, any Error>?
        func get() async throws -> InteropFixture? {
            if task == nil { task = Task { try await InteropFixture.start() } }
            return try await task!.value
        }
    }

    /// The shared fixture is never deinitialized, so its servers are killed when the test
    /// process exits (otherwise they would outlive `swift test`).
    private static let children = Mutex<[Int32]>([])
    private static func killAtExit(_ pids: [Int32]) {
        let first = children.withLock { list in
            defer { list += pids }
            return list.isEmpty
        }
        if first {
            atexit {
                for pid in InteropFixture.children.withLock({ $0 }) { kill(pid, SIGKILL) }
            }
        }
    }

    private static func start() async throws -> InteropFixture? {
        guard let prometheusBinary = PrometheusBinaries.find("prometheus"), let promtool = PrometheusBinaries.find("promtool") else {
            return nil
        }
        let dir = try makeTemporaryDirectory("interop")
        let base = (Int64(Date().timeIntervalSince1970) / 60) * 60 - 60
        let series = Dataset.series(end: base)
        // Prometheus: OpenMetrics text → blocks.
        try Dataset.openMetrics(series).write(to: dir.appendingPathComponent("data.om"), atomically: true, encoding: .utf8)
        let create = try LanternProcess(["tsdb", "create-blocks-from", "openmetrics", "-q", "data.om", "prom-data"], directory: dir, executable: promtool)
        guard await create.waitForExit(timeout: 30) == 0 else {
            Issue.record("promtool create-blocks failed: \(create.logText)")
            return nil
        }
        // Lantern: the same samples through the storage API.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lantern-data"), withIntermediateDirectories: true)
        let storage = try await SQLiteStorage.open(path: dir.appendingPathComponent("lantern-data/lantern.db").path)
        var app = storage.appender()
        for s in series {
            var ref: SeriesRef?
            for p in s.samples { ref = try app.append(ref, s.labels, at: p.t, value: p.v) }
        }
        try await app.commit()
        try await storage.close()

        try "global:\n  scrape_interval: 1m\nscrape_configs: []\n".write(to: dir.appendingPathComponent("empty.yml"), atomically: true, encoding: .utf8)
        let promPort = try freePort()
        let prometheus = try LanternProcess([
            "--config.file=empty.yml", "--storage.tsdb.path=prom-data", "--web.listen-address=127.0.0.1:\(promPort)",
            "--storage.tsdb.retention.time=30d",
        ], directory: dir, executable: prometheusBinary)
        let lantern = try LanternProcess(
            ["serve", "--config.file=empty.yml", "--storage.path=lantern-data", "--web.listen-address=127.0.0.1:0"], directory: dir)
        killAtExit([prometheus.process.processIdentifier, lantern.process.processIdentifier])
        guard let lanternPort = await lantern.waitForPort() else {
            Issue.record("lantern did not start: \(lantern.logText)")
            return nil
        }
        guard await prometheus.waitForLog("Server is ready to receive web requests") else {
            Issue.record("prometheus did not start: \(prometheus.logText)")
            return nil
        }
        return InteropFixture(dir: dir, lantern: lantern, prometheus: prometheus, lanternPort: lanternPort,
                              prometheusPort: promPort, evalTime: base + 30)
    }

    /// Runs `promtool` with `arguments`; returns stdout and the exit status.
    func promtool(_ arguments: [String]) async throws -> (String, Int32?) {
        let p = try LanternProcess(arguments, directory: dir, captureStdout: true, executable: PrometheusBinaries.find("promtool"))
        let status = await p.waitForExit(timeout: 20)
        try await Task.sleep(for: .milliseconds(50))  // let the pipe handler drain
        return (p.stdoutText, status)
    }
}

/// The data both servers hold: counters with a reset, classic histograms, CPU counters,
/// gauges, and a series that stops half-way.
enum Dataset {
    struct Series { let labels: Labels; var samples: [Sample] }

    /// 240 samples per series, every 15s over the hour before `end` (Unix seconds).
    static func series(end: Int64) -> [Series] {
        let t0 = (end - 3600) * 1000 + 1234
        func make(_ labels: [(String, String)], count: Int = 240, _ value: (Int) -> Double) -> Series {
            Series(labels: Labels(labels.map { Label(name: $0.0, value: $0.1) }),
                   samples: (0..<count).map { Sample(t: t0 + Int64($0) * 15_000, v: value($0)) })
        }
        var out: [Series] = []
        for (j, job) in ["api", "web"].enumerated() {
            for (i, instance) in ["a:80", "b:80"].enumerated() {
                for code in ["200", "500"] {
                    let m = Double(j * 2 + i + 1) * (code == "500" ? 1 : 7)
                    let resets = job == "web" && instance == "b:80"
                    out.append(make([("__name__", "http_requests_total"), ("code", code), ("instance", instance), ("job", job)]) { k in
                        Double(resets && k >= 120 ? k - 120 : k) * m
                    })
                }
            }
            for (b, le) in ["0.1", "0.5", "1", "+Inf"].enumerated() {
                let share = [1.0, 3, 4, 5][b] * Double(j + 1)
                out.append(make([("__name__", "request_duration_seconds_bucket"), ("job", job), ("le", le)]) { Double($0) * share })
            }
            out.append(make([("__name__", "request_duration_seconds_count"), ("job", job)]) { Double($0 * 5 * (j + 1)) })
            out.append(make([("__name__", "request_duration_seconds_sum"), ("job", job)]) { Double($0) * 2.5 * Double(j + 1) })
        }
        for cpu in 0..<2 {
            for (m, mode) in ["idle", "system", "user"].enumerated() {
                out.append(make([("__name__", "node_cpu_seconds_total"), ("cpu", "\(cpu)"), ("instance", "a:80"), ("mode", mode)]) { k in
                    Double(k) * [10, 1, 3][m] * Double(cpu + 1) * 0.25
                })
            }
        }
        out.append(make([("__name__", "node_memory_free_bytes"), ("instance", "a:80")]) { k in 1e9 + Double(k * 1000 * (k % 7)) })
        for (r, room) in ["hall", "kitchen"].enumerated() {
            out.append(make([("__name__", "temperature_celsius"), ("room", room)]) { k in Double((k * 7 + r * 3) % 11) - 2.5 })
        }
        out.append(make([("__name__", "batch_last_success"), ("job", "cron")], count: 120) { k in Double(k) })
        return out
    }

    /// OpenMetrics text for `promtool tsdb create-blocks-from openmetrics` (seconds, `# EOF`).
    static func openMetrics(_ series: [Series]) -> String {
        var out = ""
        for s in series {
            let name = s.labels.metricName ?? ""
            let rest = s.labels.droppingMetricName().map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
            for p in s.samples {
                out += "\(name){\(rest)} \(FloatFormat.goG(p.v)) \(p.t / 1000).\(String(format: "%03d", p.t % 1000))\n"
            }
        }
        return out + "# EOF\n"
    }
}
