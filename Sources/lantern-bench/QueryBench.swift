import Logging
import Model
import Query
import Storage

/// `lantern-bench --query`: the two query goals of issue 5, on data written through the
/// storage API (head, then flushed to chunks).
///  (a) `sum by (job) (rate(x[5m]))` over 10,000 counters, 1 h range at 15 s step (< 200 ms);
///  (b) `{__name__=~"node_.*", mode!="idle"}` selected among 100,000 series (< 20 ms).
enum QueryBench {
    static func run(dir: String, runs: Int) async throws {
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        var options = StorageOptions()
        options.maintenanceInterval = nil
        options.scrubChunksAtOpen = false  // the background checksum scrub would compete with the measurements
        options.retention = nil

        // (a) 10k counters, 65 min at 15 s (the range plus the 5 m window).
        let pathA = dir + "/query-rate.db"
        Measure.removeDatabase(pathA)
        let a = try await SQLiteStorage.open(path: pathA, options: options, logger: quiet)
        let end: Timestamp = 1_700_000_000_000
        let start = end - 3_600_000
        let first = start - 300_000
        var refs = [SeriesRef?](repeating: nil, count: 10_000)
        let labelSets = (0..<10_000).map { i in
            Labels([Label(name: "__name__", value: "x"), Label(name: "instance", value: "host-\(i)"), Label(name: "job", value: "job-\(i % 10)")])
        }
        var t = first
        var round = 0
        while t <= end {
            var app = a.appender()
            for i in 0..<10_000 {
                refs[i] = try app.append(refs[i], labelSets[i], at: t + Timestamp(i % 1000), value: Double(round * (i % 7 + 1)))
            }
            try await app.commit()
            t += 15_000
            round += 1
        }
        let query = "sum by (job) (rate(x[5m]))"
        for phase in ["head", "chunks"] {
            if phase == "chunks" { try await a.flushHead() }
            let runner = QueryRunner(storage: a)
            var total: [Double] = [], evalOnly: [Double] = [], prefetch: [Double] = []
            for _ in 0..<max(runs, 3) {
                total.append(try await Measure.seconds { _ = try await runner.range(query, start: start, end: end, step: 15_000) })
                let plan = SelectionPlan(try parseExpr(query), start: start, end: end, step: 15_000, lookbackDelta: 300_000)
                var source: PrefetchedSeriesSource?
                prefetch.append(try await Measure.seconds { source = try await plan.prefetch(from: a) })
                let engine = Engine()
                evalOnly.append(try await Measure.seconds { _ = try engine.rangeQuery(query, start: start, end: end, step: 15_000, source: source!) })
            }
            print("(a) \(query), 10k series, 1h/15s, samples in \(phase): total \(fmt(Measure.median(total) * 1000, 1)) ms (read \(fmt(Measure.median(prefetch) * 1000, 1)) ms, evaluate \(fmt(Measure.median(evalOnly) * 1000, 1)) ms)")
        }
        try await a.close()

        // (b) 100k series: 10k node_cpu_seconds_total (8 modes), 5k other node_*, 85k app series.
        let pathB = dir + "/query-regex.db"
        Measure.removeDatabase(pathB)
        let b = try await SQLiteStorage.open(path: pathB, options: options, logger: quiet)
        var app = b.appender()
        let modes = ["idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"]
        for i in 0..<100_000 {
            let labels: Labels
            if i < 10_000 {
                labels = Labels([Label(name: "__name__", value: "node_cpu_seconds_total"), Label(name: "cpu", value: "\(i / 8 % 16)"),
                                 Label(name: "instance", value: "host-\(i / 128)"), Label(name: "mode", value: modes[i % 8])])
            } else if i < 15_000 {
                labels = Labels([Label(name: "__name__", value: "node_metric_\(i % 50)"), Label(name: "instance", value: "host-\(i % 100)")])
            } else {
                labels = Labels([Label(name: "__name__", value: "app_metric_\(i % 500)"), Label(name: "instance", value: "host-\(i % 100)"), Label(name: "path", value: "/p\(i)")])
            }
            _ = try app.append(nil, labels, at: end, value: 1)
            if i % 10_000 == 9_999 { try await app.commit(); app = b.appender() }
        }
        try await app.commit()
        let matchers = [try Matcher(.regexMatch, "__name__", "node_.*"), try Matcher(.notEqual, "mode", "idle")]
        for phase in ["head", "chunks"] {
            if phase == "chunks" { try await b.flushHead() }
            var times: [Double] = []
            var matched = 0
            for _ in 0..<max(runs, 5) {
                times.append(try await Measure.seconds {
                    let q = try await b.querier(mint: end - 300_000, maxt: end)
                    matched = try await q.select(matchers: matchers).count
                    await q.close()
                })
            }
            print("(b) {__name__=~\"node_.*\", mode!=\"idle\"} among 100k series, samples in \(phase): \(matched) series selected in \(fmt(Measure.median(times) * 1000, 1)) ms")
        }
        try await b.close()
    }
}
