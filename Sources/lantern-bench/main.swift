// lantern-bench: storage figures for docs/PERFORMANCE.md. Build and run in release mode:
//   swift build -c release --product lantern-bench && .build/release/lantern-bench
// Flags: --series N (default 100000), --rounds N (samples per series, default 100),
//        --compress-series N (default 10000), --compress-rounds N (default 480), --runs N (default 3),
//        --workload farm|harsh (default farm), --xor-only, --bytes-only, --dir PATH, --quick.
//        --query (only the query benchmarks; put --runs and --dir before it).
//        --export [SERIES SAMPLES] (CSV export throughput; give --runs/--dir first).
//        --scrub [PATH] (the startup chunk-checksum scrub over an existing database).
import Logging
import Model
import Storage
#if canImport(Glibc)
import Glibc
#endif

var series = 100_000, rounds = 100, compressSeries = 10_000, compressRounds = 480, runs = 3
var workload = "farm", packed = true, skipAppend = false
var dir = "/tmp/lantern-bench"
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--series": series = Int(args.next() ?? "") ?? series
    case "--rounds": rounds = Int(args.next() ?? "") ?? rounds
    case "--compress-series": compressSeries = Int(args.next() ?? "") ?? compressSeries
    case "--runs": runs = Int(args.next() ?? "") ?? runs
    case "--bytes-only": skipAppend = true  // only the bytes/sample and query part
    case "--xor-only": packed = false  // the same data in XOR chunks only (the "before" figures)
    case "--compress-rounds": compressRounds = Int(args.next() ?? "") ?? compressRounds
    case "--workload":
        workload = args.next() ?? workload
        guard workload == "farm" || workload == "harsh" else { print("--workload farm|harsh"); exit(2) }
    case "--dir": dir = args.next() ?? dir
    case "--scrub":
        // The startup checksum scrub (docs/RELIABILITY.md) over an existing database: chunks/s.
        let path = args.next() ?? (dir + "/append.db")
        var options = StorageOptions()
        options.maintenanceInterval = nil
        options.scrubChunksAtOpen = false
        options.checkpointOnClose = false
        let storage = try await SQLiteStorage.open(path: path, options: options, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let clock = ContinuousClock()
        var result = (checked: 0, corrupt: 0)
        let elapsed = try await clock.measure { result = try await storage.scrubChunks() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let bytes = try await storage.sizeInUse()
        print("scrub: \(result.checked) chunks (\(result.corrupt) corrupt) of a \(bytes >> 20) MiB file in \(Int(seconds * 1000)) ms: \(Int(Double(result.checked) / seconds)) chunks/s, \(Int(Double(bytes) / seconds / 1_048_576)) MiB/s")
        try await storage.close()
        exit(0)
    case "--memory":
        // Head memory measured in a fresh process: RSS growth while opening an existing
        // database (series, postings, open chunks rebuilt from disk), per series.
        let path = args.next() ?? (dir + "/append.db")
        let before = Measure.rss()
        var options = StorageOptions()
        options.maintenanceInterval = nil
        options.scrubChunksAtOpen = false  // the background checksum scrub would compete with the measurements
        options.retention = nil
        options.checkpointOnClose = false
        let s = try await SQLiteStorage.open(path: path, options: options, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let after = Measure.rss()
        let n = s.collectMetrics().first { $0.name == "lantern_tsdb_head_series" }!.value
        print("head RSS per series after open: \(fmt(Double(after - before) / n, 0)) B (\(Int(n)) series, \(fmt(Double(after - before) / 1e6, 1)) MB)")
        try await s.close()
        exit(0)
    case "--query":
        // Query goals (docs/PERFORMANCE.md, "Query"); runs on its own.
        mkdir(dir, 0o755)
        try await QueryBench.run(dir: dir, runs: runs)
    case "--export":
        // CSV export throughput: --export [series] [samples per series].
        let n = Int(args.next() ?? "") ?? 2_000
        let per = Int(args.next() ?? "") ?? 2_500
        try await ExportBench.run(dir: dir, series: n, samplesPerSeries: per, runs: runs)
        exit(0)
    case "--quick": series = 10_000; rounds = 30; compressSeries = 2_000; runs = 2
    default: print("unknown flag \(a)"); exit(2)
    }
}
mkdir(dir, 0o755)
let farm = workload == "farm"
func makeWorkload(_ n: Int) -> any BenchWorkload {
    farm ? FarmWorkload(series: n) : Workload(series: n)
}
let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
print("lantern-bench: \(workload) workload, \(series) series x \(rounds) samples (append/memory/reopen), \(compressSeries) series x \(compressRounds) samples (bytes, query), \(runs) runs")

// 1, 3, 4: append through refs, head memory, reopen.
var appendRates: [Double] = [], createRates: [Double] = [], memPerSeries: [Double] = []
var reopenCrash: [Double] = [], reopenClean: [Double] = [], replayed: [Double] = []
for run in 0..<(skipAppend ? 0 : runs) {
    let path = dir + "/append.db"
    Measure.removeDatabase(path)
    var options = StorageOptions()
    options.maintenanceInterval = nil
    options.scrubChunksAtOpen = false  // the background checksum scrub would compete with the measurements
    options.retention = nil
    options.checkpointOnClose = false  // leave write-ahead records behind, like a crash
    options.packedChunks = packed
    let rss0 = Measure.rss()
    let storage = try await SQLiteStorage.open(path: path, options: options, logger: quiet)
    var w = makeWorkload(series)
    let labels = w.labels  // once: the existential's getter would retain the array per sample
    var refs = [SeriesRef?](repeating: nil, count: series)
    let create = try await Measure.seconds {
        for base in stride(from: 0, to: series, by: 1000) {
            var app = storage.appender()
            for i in base..<min(series, base + 1000) {
                refs[i] = try app.append(nil, labels[i], at: w.time(0, i), value: w.value(0, i))
            }
            try await app.commit()
        }
    }
    createRates.append(Double(series) / create)
    let append = try await Measure.seconds {
        for round in 1..<rounds {
            for base in stride(from: 0, to: series, by: 1000) {
                var app = storage.appender()
                for i in base..<min(series, base + 1000) {
                    refs[i] = try app.append(refs[i], labels[i], at: w.time(round, i), value: w.value(round, i))
                }
                try await app.commit()
            }
        }
    }
    appendRates.append(Double(series * (rounds - 1)) / append)
    memPerSeries.append(Double(Measure.rss() - rss0) / Double(series))
    let wal = storage.collectMetrics().first { $0.name == "lantern_tsdb_wal_size_bytes" }!.value
    try await storage.close()

    var reopened: SQLiteStorage?
    reopenCrash.append(try await Measure.seconds {
        reopened = try await SQLiteStorage.open(path: path, options: options, logger: quiet)
    })
    replayed.append(reopened!.collectMetrics().first { $0.name == "lantern_tsdb_wal_replayed_samples_total" }!.value)
    try await reopened!.flushHead()
    try await reopened!.close()
    reopenClean.append(try await Measure.seconds {
        reopened = try await SQLiteStorage.open(path: path, options: options, logger: quiet)
    })
    try await reopened!.close()
    print("run \(run): create \(fmt(createRates.last!, 0)) series/s, append \(fmt(appendRates.last!, 0)) samples/s, "
        + "head \(fmt(memPerSeries.last!, 0)) B/series RSS, WAL at close \(fmt(wal / 1e6, 1)) MB, "
        + "reopen \(fmt(reopenCrash.last!)) s (replayed \(Int(replayed.last!))), clean reopen \(fmt(reopenClean.last!)) s")
}

// 2, 5: bytes per sample after the head's chunks are cut, and reading from chunks.
var bytesChunks: [Double] = [], bytesFile: [Double] = [], queryRates: [Double] = []
for run in 0..<runs {
    let path = dir + "/compress.db"
    Measure.removeDatabase(path)
    var options = StorageOptions()
    options.maintenanceInterval = nil
    options.scrubChunksAtOpen = false  // the background checksum scrub would compete with the measurements
    options.retention = nil
    options.packedChunks = packed
    let storage = try await SQLiteStorage.open(path: path, options: options, logger: quiet)
    var w = makeWorkload(compressSeries)
    let labels = w.labels
    var refs = [SeriesRef?](repeating: nil, count: compressSeries)
    let perSeries = compressRounds  // default 480: 2 h at 15 s, four full chunks per series
    for round in 0..<perSeries {
        for base in stride(from: 0, to: compressSeries, by: 1000) {
            var app = storage.appender()
            for i in base..<min(compressSeries, base + 1000) {
                refs[i] = try app.append(refs[i], labels[i], at: w.time(round, i), value: w.value(round, i))
            }
            try await app.commit()
        }
    }
    try await storage.flushHead()
    let usage = try await storage.diskUsage()
    let samples = Double(compressSeries * perSeries)
    bytesChunks.append(Double(usage.chunkBytes) / samples)
    bytesFile.append(Double(usage.pagesInUseBytes) / samples)

    // 1 h in the middle, one job (a tenth of the series), decoded sample by sample.
    let mint = Workload.start + 30 * 60_000, maxt = Workload.start + 90 * 60_000 - 1
    let job = farm ? try Matcher(.equal, "instance", "127.10.0.1:9100") : try Matcher(.equal, "job", "job-0")
    var rates: [Double] = []
    var seriesRead = 0
    for _ in 0..<5 {
        var n = 0
        let secs = try await Measure.seconds {
            let q = try await storage.querier(mint: mint, maxt: maxt)
            let set = try await q.select(matchers: [job])
            seriesRead = set.count
            for s in set {
                var it = s.makeIterator()
                while it.next() != nil { n += 1 }
            }
            await q.close()
        }
        rates.append(Double(n) / secs)
    }
    queryRates.append(Measure.median(rates))
    try await storage.close()
    print("run \(run): \(fmt(bytesChunks.last!)) B/sample in chunk blobs, \(fmt(bytesFile.last!)) B/sample for the whole file "
        + "(\(usage.chunks) chunks, \(usage.packedChunks) packed, \(usage.series) series), query \(seriesRead) series x 1 h: \(fmt(queryRates.last!, 0)) samples/s")
}

print("""

    median of \(runs) runs
    append via refs, commits of 1000:  \(fmt(Measure.median(appendRates), 0)) samples/s   (goal >= 1000000)
    series creation (labels, no ref):  \(fmt(Measure.median(createRates), 0)) series/s
    bytes/sample, chunk blobs:         \(fmt(Measure.median(bytesChunks)))   (Prometheus 2.42: 2.2, Gorilla: 1.37)
    bytes/sample, whole file:          \(fmt(Measure.median(bytesFile)))   (Prometheus 2.42 with index: 3.4)
    head RSS per active series:        \(fmt(Measure.median(memPerSeries), 0)) B   (goal < 1024)
    reopen after kill-like close:      \(fmt(Measure.median(reopenCrash))) s, \(Int(Measure.median(replayed))) samples replayed   (goal < 5 s)
    reopen after clean close:          \(fmt(Measure.median(reopenClean))) s
    query 1 h from chunks:             \(fmt(Measure.median(queryRates), 0)) samples/s   (goal >= 10000000)
    """)
