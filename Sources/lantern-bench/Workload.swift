import Model

/// What the benchmark writes: label sets, and each sample's value and time by (round, series).
protocol BenchWorkload {
    var labels: [Labels] { get }
    mutating func value(_ round: Int, _ i: Int) -> Double
    mutating func time(_ round: Int, _ i: Int) -> Timestamp
}

/// The harsh workload ("--workload harsh"): node-exporter-like label sets, every counter
/// growing by a random integer step every scrape, gauges doing a random walk (a sixth with two
/// fractional decimals), 15 s scrapes with 0-4 ms of jitter. Harder to compress than the farm.
struct Workload: BenchWorkload {
    let series: Int
    let jobs: Int
    let labels: [Labels]
    private var state: [Double]
    private var rng = SplitMix64(seed: 42)
    static let start: Timestamp = 1_700_000_000_000
    static let interval: Int64 = 15_000

    init(series: Int, jobs: Int = 10) {
        self.series = series
        self.jobs = jobs
        labels = (0..<series).map { i in
            Labels(
                ("__name__", Workload.metricName(i)),
                ("job", "job-\(i % jobs)"),
                ("instance", "host-\(i / 100).example.com:9100"),
                ("cpu", "\(i % 16)"),
            )
        }
        state = (0..<series).map { Double($0 % 1000) }
    }

    static func metricName(_ i: Int) -> String {
        let names = ["node_cpu_seconds_total", "node_network_receive_bytes_total", "node_memory_active_bytes",
                     "node_load1", "process_open_fds", "http_requests_total", "node_filesystem_avail_bytes",
                     "go_goroutines", "node_disk_io_time_seconds_total", "up"]
        return names[(i / 16) % names.count]
    }

    /// Two thirds counters (integer increments), one third gauges (random walk, half of them
    /// integer-valued like memory or fd counts, half fractional like load averages).
    mutating func value(_ round: Int, _ i: Int) -> Double {
        switch i % 6 {
        case 0, 1, 2, 3: state[i] += Double(rng.next() % 100)
        case 4: state[i] = max(0, state[i] + Double(Int(rng.next() % 21) - 10))
        default: state[i] = (state[i] + (Double(rng.next() % 2001) - 1000) / 1000).rounded(toPlaces: 2)
        }
        return state[i]
    }

    /// Scrape `round`'s time for series i: regular interval plus 0-4 ms of jitter.
    mutating func time(_ round: Int, _ i: Int) -> Timestamp {
        Workload.start + Int64(round) * Workload.interval + Int64(rng.next() % 5)
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        var f = 1.0
        for _ in 0..<p { f *= 10 }
        return (self * f).rounded() / f
    }
}

/// A tiny deterministic PRNG so every run writes the same data.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
