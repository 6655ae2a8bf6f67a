import Foundation
import Logging
import Model
import Query
import Storage

/// `lantern-bench --export`: CSV export throughput from an SQLite file, as `lantern export`
/// runs it (read-only open, series-by-series batches, default columns with RFC 3339 times),
/// into a sink that only counts bytes (the CLI's write(2) to a file is measured separately).
enum ExportBench {
    static func run(dir: String, series: Int, samplesPerSeries: Int, runs: Int) async throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/export-\(series)x\(samplesPerSeries).db"
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        if !FileManager.default.fileExists(atPath: path) { try await create(path: path, series: series, samplesPerSeries: samplesPerSeries, logger: quiet) }
        try await measure(path: path, total: series * samplesPerSeries, runs: runs, logger: quiet, series: series, samplesPerSeries: samplesPerSeries)
    }

    /// Writes the workload once (reused by later runs with the same dimensions).
    static func create(path: String, series: Int, samplesPerSeries: Int, logger quiet: Logger) async throws {
        try? FileManager.default.removeItem(atPath: path + ".tmp")
        let storage = try await SQLiteStorage.open(path: path + ".tmp", logger: quiet)
        var rng = SystemRandomNumberGenerator()
        let labels = (0..<series).map { i in
            Labels(("__name__", "node_cpu_seconds_total"), ("cpu", "\(i % 64)"), ("instance", "host-\(i / 64):9100"), ("job", "node"), ("mode", "user"))
        }
        var values = [Double](repeating: 0, count: series)
        for r in 0..<samplesPerSeries {
            var app = storage.appender()
            for s in 0..<series {
                values[s] += r % 3 == 0 ? Double(Int.random(in: 0..<100, using: &rng)) : Double(Int.random(in: 0..<10_000, using: &rng)) / 100
                _ = try app.append(nil, labels[s], at: Timestamp(1_700_000_000_000 + r * 15_000), value: values[s])
            }
            try await app.commit()
        }
        try await storage.flushHead()
        try await storage.close()
        try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
    }

    static func measure(path: String, total: Int, runs: Int, logger quiet: Logger, series: Int, samplesPerSeries: Int) async throws {
        var rates: [Double] = []
        for _ in 0..<runs {
            let reader = try await SQLiteStorage.openReadOnly(path: path, logger: quiet)
            let start = ContinuousClock.now
            let cpu0 = cpuSeconds()
            let q = try await reader.querier(mint: .min, maxt: .max)
            var bytes = 0
            var buffer = ExportBuffer { bytes += $0.count }
            let stats = try await SeriesExporter.run(ExportRequest(selectors: [[try Matcher(.equal, "__name__", "node_cpu_seconds_total")]],
                                                                   start: .min, end: .max, format: .csv(columns: nil, header: true)),
                                                     querier: q, into: &buffer)
            await q.close()
            let secs = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
            let cpu = cpuSeconds() - cpu0
            precondition(stats.samples == total)
            rates.append(Double(total) / cpu)
            print("export csv: \(total) samples, \(bytes) bytes in \(String(format: "%.2f", secs)) s wall = \(String(format: "%.2f", Double(total) / secs / 1e6)) M samples/s; \(String(format: "%.2f", cpu)) s CPU = \(String(format: "%.2f", Double(total) / cpu / 1e6)) M samples/s per core")
            try await reader.close()
        }
        rates.sort()
        print("export csv median: \(String(format: "%.2f", rates[rates.count / 2] / 1e6)) M samples/s per CPU second (\(series) series x \(samplesPerSeries) samples)")
    }

    /// User + system CPU time of this process (the machine is shared: wall time varies with load).
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }
}
