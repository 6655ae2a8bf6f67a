// Appends a deterministic stream of commits to the database given as argv[1] and prints
// "ack <n>" after commit n returned. The durability test SIGKILLs this process mid-stream
// and checks that every acknowledged commit, and nothing else, is in the file.
import Logging
import Model
import Storage

#if canImport(Glibc)
import Glibc
#endif

let path = CommandLine.arguments[1]
let commits = Int(CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "1000000") ?? 1_000_000
var options = StorageOptions()
options.maintenanceInterval = nil
options.walCheckpointBytes = 64 << 10  // checkpoints run mid-stream too
options.checkpointSliceSeries = 3
let storage = try await SQLiteStorage.open(path: path, options: options, logger: Logger(label: "helper", factory: { _ in SwiftLogNoOpLogHandler() }))

/// The same formula lives in the test: series k's value at commit n, with NaN payloads.
func value(_ n: Int, _ k: Int) -> Double {
    if (n + k) % 11 == 0 { return Double(bitPattern: 0x7ff0_0000_0000_0000 | UInt64(n * 16 + k + 1)) }
    return Double(n) * 1.25 + Double(k)
}

// Resume after what a previous (killed) run left: the next commit number.
var start = 0
do {
    let q = try await storage.querier(mint: .min, maxt: .max)
    let set = try await q.select(matchers: [try Matcher(.equal, "k", "0")])
    start = set.series.first?.allSamples().count ?? 0
    await q.close()
}
var refs = [SeriesRef?](repeating: nil, count: 8)
for n in start..<commits {
    var app = storage.appender()
    for k in 0..<8 {
        refs[k] = try app.append(refs[k], Labels(("__name__", "crash_test"), ("k", "\(k)")), at: Int64(n) * 1000, value: value(n, k))
    }
    try await app.commit()
    // Unbuffered write(2): the line reaches the pipe before the next commit starts.
    var line = Array("ack \(n)\n".utf8)
    _ = line.withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
}
try await storage.close()
