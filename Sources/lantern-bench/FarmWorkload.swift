import Model
#if canImport(Glibc)
import Glibc
#endif

/// The bench farm's series (../shared/bench/targets.py) rebuilt in Swift, so bytes/sample
/// compare with Prometheus's figures measured on the farm (2.2 chunks-only, 3.4 with index).
///
/// 1,000 series per target with the farm's mix: process/go singles, a GC summary, an HTTP
/// latency histogram (11 buckets + `+Inf`, `_sum`, `_count`; ~25 %), an RPC summary (~5 %),
/// `http_requests_total` (~30 %), network byte counters, cache counters, queue-length and
/// filesystem gauges (multiples of 4096), one-decimal temperatures, constant sizes, and
/// `app_jobs_processed_total` for the rest. As in the farm, `value(frame)` =
/// `base + (cycle + 16) * delta + table[frame % 64]` rounded to the series' decimals: counters
/// grow by random integer or 2–6-decimal steps, gauges random-walk, some stay constant.
/// Timestamps are the farm's explicit ones: exactly `start + frame * 15 s`. The random
/// generator differs from Python's, so values follow the farm's rules, not its digits.
struct FarmWorkload: BenchWorkload {
    static let cycle = 64
    static let c0 = 16
    let labels: [Labels]
    private var base: [Double] = []
    private var delta: [Double] = []
    private var decimals: [Int8] = []  // -1: integer
    private var tables: [Double] = []  // cycle entries per series

    init(series: Int, seed: UInt64 = 7) {
        var all: [Labels] = []
        var builder = Builder()
        var target = 0
        while all.count < series {
            let n = min(1000, series - all.count)
            builder.rng = SplitMix64(seed: seed &+ UInt64(target) &* 0x9e37_79b9)
            let start = all.count
            builder.build(target: target, series: n)
            for i in start..<builder.labels.count { all.append(builder.labels[i]) }
            target += 1
        }
        labels = all
        base = builder.base
        delta = builder.delta
        decimals = builder.decimals
        tables = builder.tables
    }

    func value(_ frame: Int, _ i: Int) -> Double {
        let (c, k) = frame.quotientAndRemainder(dividingBy: Self.cycle)
        let v = base[i] + Double(c + Self.c0) * delta[i] + tables[i * Self.cycle + k]
        let d = Int(decimals[i])
        if d < 0 { return v.rounded() }
        return v.rounded(toPlaces: d)
    }

    func time(_ frame: Int, _ i: Int) -> Timestamp { Workload.start + Int64(frame) * Workload.interval }
}

/// Builds one target's series the way targets.py's `build_target` does.
private struct Builder {
    var rng = SplitMix64(seed: 0)
    var labels: [Labels] = []
    var base: [Double] = []
    var delta: [Double] = []
    var decimals: [Int8] = []
    var tables: [Double] = []
    var instance = ""
    var budget = 0

    static let handlers = ["/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels",
                           "/api/v2/users", "/api/v2/orders", "/login", "/logout", "/static", "/metrics",
                           "/healthz", "/admin"]
    static let codes = ["200", "201", "204", "301", "304", "400", "401", "403", "404", "500", "502", "503"]
    static let codeWeight: [Double] = [1.0, 0.05, 0.03, 0.02, 0.1, 0.01, 0.01, 0.005, 0.03, 0.004, 0.002, 0.002]
    static let buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]

    mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * Double(rng.next() >> 11) / Double(1 << 53)
    }

    mutating func int(_ a: Int, _ b: Int) -> Int { a + Int(rng.next() % UInt64(b - a + 1)) }

    mutating func logUniform(_ a: Double, _ b: Double) -> Double {
        exp(uniform(log(a), log(b)))
    }

    mutating func add(_ name: String, _ pairs: [(String, String)], base b: Double, delta d: Double, table: [Double], decimals dec: Int?) {
        guard budget > 0 else { return }
        budget -= 1
        var l = pairs.map { Label(name: $0.0, value: $0.1) }
        l.append(Label(name: "__name__", value: name))
        l.append(Label(name: "job", value: "farm"))
        l.append(Label(name: "instance", value: instance))
        labels.append(Labels(l))
        base.append(b)
        delta.append(d)
        decimals.append(Int8(dec ?? -1))
        tables.append(contentsOf: table)
    }

    /// Cumulative table of increments and the per-cycle delta.
    func counter(_ incs: [Double]) -> ([Double], Double) {
        var acc = 0.0
        var t: [Double] = []
        for x in incs { acc += x; t.append(acc) }
        return (t, acc)
    }

    mutating func walk(_ start: Double, _ step: Double, _ lo: Double, _ hi: Double, integer: Bool, quantum: Double = 1) -> [Double] {
        var v = start
        var out: [Double] = []
        for _ in 0..<FarmWorkload.cycle {
            v += uniform(-step, step)
            v = min(hi, max(lo, v))
            out.append(integer ? (v / quantum).rounded() * quantum : v)
        }
        return out
    }

    mutating func incs(_ rate: Double) -> [Double] {
        (0..<FarmWorkload.cycle).map { _ in (rate * uniform(0.5, 1.5) + uniform(0, 1)).rounded(.down) }
    }

    /// The first n label sets of the product of `dims`; the first dimension is extended with
    /// generated values (`fmt` + index) when the product is too small.
    func combos(_ n: Int, _ first: (String, [String], String), _ rest: [(String, [String])]) -> [[(String, String)]] {
        guard n > 0 else { return [] }
        var out: [[(String, String)]] = []
        var a = 0
        while out.count < n {
            let v = a < first.1.count ? first.1[a] : first.2 + "\(a - first.1.count)"
            var partial: [[(String, String)]] = [[(first.0, v)]]
            for (name, vals) in rest { partial = partial.flatMap { p in vals.map { p + [(name, $0)] } } }
            out += partial
            a += 1
        }
        return Array(out.prefix(n))
    }

    mutating func build(target: Int, series n: Int) {
        instance = "127.10.\(target / 250).\(target % 250 + 1):9100"
        budget = n
        let cyc = FarmWorkload.cycle
        let zero = [Double](repeating: 0, count: cyc)
        // Singles and the GC summary (15 series).
        var (t, d) = counter((0..<cyc).map { _ in uniform(0.01, 0.25).rounded(toPlaces: 2) })
        add("process_cpu_seconds_total", [], base: uniform(10, 5000).rounded(toPlaces: 2), delta: d, table: t, decimals: 2)
        let rss = Double(int(20, 400) << 20)
        add("process_resident_memory_bytes", [], base: 0, delta: 0, table: walk(rss, 1_048_576, rss / 2, rss * 2, integer: true, quantum: 4096), decimals: nil)
        let vms = Double(int(700, 2000) << 20)
        add("process_virtual_memory_bytes", [], base: 0, delta: 0, table: walk(vms, 2_097_152, vms / 2, vms * 2, integer: true, quantum: 4096), decimals: nil)
        add("process_open_fds", [], base: 0, delta: 0, table: walk(Double(int(10, 200)), 2, 5, 1000, integer: true), decimals: nil)
        add("process_max_fds", [], base: 1_048_576, delta: 0, table: zero, decimals: nil)
        add("process_start_time_seconds", [], base: Double(1_700_000_000 + int(0, 10_000_000)), delta: 0, table: zero, decimals: nil)
        add("go_goroutines", [], base: 0, delta: 0, table: walk(Double(int(8, 300)), 3, 5, 2000, integer: true), decimals: nil)
        add("go_threads", [], base: 0, delta: 0, table: walk(Double(int(6, 40)), 0.6, 4, 80, integer: true), decimals: nil)
        for (q, m) in [("0", 2e-5), ("0.25", 4e-5), ("0.5", 6e-5), ("0.75", 1e-4), ("1", 1e-3)] {
            let tab = (0..<cyc).map { _ in (m * uniform(0.7, 1.5)).rounded(toPlaces: 7) }
            add("go_gc_duration_seconds", [("quantile", q)], base: 0, delta: 0, table: tab, decimals: 7)
        }
        let gc = (0..<cyc).map { _ in Double([0, 0, 1, 1, 2][int(0, 4)]) }
        (t, d) = counter(gc.map { ($0 * uniform(5e-5, 2e-4)).rounded(toPlaces: 6) })
        add("go_gc_duration_seconds_sum", [], base: uniform(0.1, 5).rounded(toPlaces: 6), delta: d, table: t, decimals: 6)
        (t, d) = counter(gc)
        add("go_gc_duration_seconds_count", [], base: Double(int(100, 10_000)), delta: d, table: t, decimals: nil)
        let rem = max(0, n - 15)
        histogram(rem)
        rpcSummary(rem)
        for labels in combos(Int(Double(rem) * 0.30), ("handler", Self.handlers, "/api/v1/items/"), [("method", ["GET", "POST"]), ("code", Self.codes)]) {
            let code = Self.codes.firstIndex(of: labels[2].1)!
            let r = logUniform(0.5, 200) * Self.codeWeight[code] * (labels[1].1 == "GET" ? 1 : 0.3)
            (t, d) = counter(incs(r))
            add("http_requests_total", labels, base: (r * Double(int(100, 100_000))).rounded(.down), delta: d, table: t, decimals: nil)
        }
        for fam in ["node_network_receive_bytes_total", "node_network_transmit_bytes_total"] {
            for labels in combos(Int(Double(rem) * 0.025), ("device", ["eth0", "eth1", "lo", "docker0", "veth0a1b", "wlan0"], "veth"), []) {
                let r = logUniform(1e2, 5e6)
                (t, d) = counter((0..<cyc).map { _ in (r * uniform(0.3, 1.7)).rounded(.down) })
                add(fam, labels, base: Double(int(1_000_000, 1_000_000_000_000)), delta: d, table: t, decimals: nil)
            }
        }
        for labels in combos(Int(Double(rem) * 0.05), ("cache", ["sessions", "users", "products", "templates", "tokens"], "cache"), [("result", ["hit", "miss"])]) {
            (t, d) = counter(incs(uniform(1, 500) * (labels[1].1 == "hit" ? 1 : 0.1)))
            add("app_cache_requests_total", labels, base: Double(int(0, 100_000_000)), delta: d, table: t, decimals: nil)
        }
        let queues = ["ingest", "email", "reports", "thumbnails", "webhooks", "exports"]
        for labels in combos(Int(Double(rem) * 0.10), ("queue", queues, "queue"), [("priority", ["high", "normal", "low"])]) {
            add("app_queue_length", labels, base: 0, delta: 0, table: walk(Double(int(0, 500)), uniform(1, 30), 0, 5000, integer: true), decimals: nil)
        }
        let fs = combos(Int(Double(rem) * 0.05), ("device", ["/dev/sda1", "/dev/sda2", "/dev/sdb1", "/dev/nvme0n1p1", "/dev/nvme0n1p2", "/dev/mapper/vg0-root"], "/dev/vd"),
                        [("mountpoint", ["/", "/var", "/srv"]), ("fstype", ["ext4"])])
        var sizes: [Double] = []
        for labels in fs {
            let size = Double(int(1, 2000)) * Double(1 << 30)
            sizes.append(size)
            add("node_filesystem_avail_bytes", labels, base: 0, delta: 0, table: walk(size * uniform(0.1, 0.9), size * 1e-4, 0, size, integer: true, quantum: 4096), decimals: nil)
        }
        for (labels, size) in zip(fs, sizes).prefix(Int(Double(rem) * 0.03)) {
            add("node_filesystem_size_bytes", labels, base: size, delta: 0, table: zero, decimals: nil)
        }
        for labels in combos(Int(Double(rem) * 0.05), ("sensor", ["cpu", "gpu", "nvme", "ambient", "psu"], "sensor"), [("zone", ["0", "1"])]) {
            add("app_temperature_celsius", labels, base: 0, delta: 0, table: walk(uniform(30, 70), 0.5, 20, 95, integer: false).map { $0.rounded(toPlaces: 1) }, decimals: 1)
        }
        let workers = (0..<16).map { "w\($0)" }
        for labels in combos(budget, ("worker", workers, "worker"), [("queue", queues), ("status", ["ok", "failed", "retried"])]) {
            (t, d) = counter(incs(uniform(0.1, 50) * (labels[2].1 == "ok" ? 1 : 0.02)))
            add("app_jobs_processed_total", labels, base: Double(int(0, 1_000_000)), delta: d, table: t, decimals: nil)
        }
    }

    mutating func histogram(_ rem: Int) {
        let cyc = FarmWorkload.cycle
        let b = Self.buckets
        for labels in combos(Int(Double(rem) * 0.25) / (b.count + 3), ("handler", Self.handlers, "/api/v1/items/"), [("method", ["GET", "POST"])]) {
            let median = logUniform(0.004, 0.8), sigma = uniform(0.5, 1.4), rate = logUniform(0.5, 60)
            let root2: Double = 2.0.squareRoot()
            var cdf: [Double] = []
            for x in b {
                let z: Double = (log(x) - log(median)) / (sigma * root2)
                cdf.append(0.5 * (1 + erf(z)))
            }
            cdf.append(1.0)
            var pm: [Double] = [cdf[0]]
            for i in 1..<cdf.count { pm.append(cdf[i] - cdf[i - 1]) }
            var mids: [Double] = [b[0] / 2]
            for i in 1..<b.count { mids.append((b[i - 1] + b[i]) / 2) }
            mids.append(b[b.count - 1] * 1.5)
            var perBucket = [[Double]](repeating: [Double](repeating: 0, count: cyc), count: pm.count)
            var sumIncs: [Double] = []
            for k in 0..<cyc {
                let n = (rate * uniform(0.5, 1.5) + uniform(0, 1)).rounded(.down)
                var s = 0.0
                for i in pm.indices {
                    let c = (n * pm[i] + uniform(0, 1)).rounded(.down)
                    perBucket[i][k] = c
                    s += c * mids[i] * uniform(0.8, 1.2)
                }
                sumIncs.append(s.rounded(toPlaces: 4))
            }
            let scale = Double(int(10, 10_000))
            var cum = [Double](repeating: 0, count: cyc)
            var cumBase = 0.0
            for i in pm.indices {
                for k in 0..<cyc { cum[k] += perBucket[i][k] }
                let (t, d) = counter(cum)
                cumBase += (pm[i] * scale).rounded(.down)
                let le = i == b.count ? "+Inf" : "\(b[i])"
                add("http_request_duration_seconds_bucket", labels + [("le", le)], base: cumBase, delta: d, table: t, decimals: nil)
            }
            var (t, d) = counter(sumIncs)
            add("http_request_duration_seconds_sum", labels, base: (scale * median * 1.2).rounded(toPlaces: 4), delta: d, table: t, decimals: 4)
            (t, d) = counter(cum)
            add("http_request_duration_seconds_count", labels, base: cumBase, delta: d, table: t, decimals: nil)
        }
    }

    mutating func rpcSummary(_ rem: Int) {
        let cyc = FarmWorkload.cycle
        let services = ["auth", "billing", "catalog", "search", "inventory", "payments", "shipping", "users"]
        for labels in combos(Int(Double(rem) * 0.05) / 5, ("service", services, "svc"), [("method", ["Get", "List", "Create", "Update", "Delete"])]) {
            let m = logUniform(0.001, 0.3)
            for (q, f) in [("0.5", 1.0), ("0.9", 2.5), ("0.99", 6.0)] {
                let tab = (0..<cyc).map { _ in (m * f * uniform(0.8, 1.25)).rounded(toPlaces: 6) }
                add("rpc_duration_seconds", labels + [("quantile", q)], base: 0, delta: 0, table: tab, decimals: 6)
            }
            let rate = uniform(0.2, 30)
            let cnt = incs(rate)
            var (t, d) = counter(cnt.map { ($0 * m * uniform(0.9, 1.3)).rounded(toPlaces: 5) })
            add("rpc_duration_seconds_sum", labels, base: uniform(1, 1e4).rounded(toPlaces: 5), delta: d, table: t, decimals: 5)
            (t, d) = counter(cnt)
            add("rpc_duration_seconds_count", labels, base: Double(int(10, 1_000_000)), delta: d, table: t, decimals: nil)
        }
    }
}
