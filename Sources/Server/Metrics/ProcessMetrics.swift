#if canImport(Glibc)
import Glibc
#endif
import Model

/// The `process_*` metrics client_golang exports, read from `/proc/self`, so dashboards
/// built for Prometheus show Lantern's CPU, memory and file descriptors.
struct ProcessMetrics: MetricsCollector {
    let startTime: Double

    init(startTime: Double) { self.startTime = startTime }

    func collect() async -> [MetricFamily] {
        var families: [MetricFamily] = [
            MetricFamily(name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", type: .gauge, value: startTime),
        ]
        if let stat = Self.readFile("/proc/self/stat"), let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // fields[0] is the state (field 3 of stat); utime is field 14, stime 15, vsize 23, rss 24.
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            let page = Double(sysconf(Int32(_SC_PAGESIZE)))
            if fields.count > 21, let ut = Double(fields[11]), let st = Double(fields[12]),
               let vsize = Double(fields[20]), let rss = Double(fields[21]) {
                families.append(MetricFamily(name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", type: .counter, value: (ut + st) / ticks))
                families.append(MetricFamily(name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.", type: .gauge, value: vsize))
                families.append(MetricFamily(name: "process_resident_memory_bytes", help: "Resident memory size in bytes.", type: .gauge, value: rss * page))
            }
        }
        if let dir = opendir("/proc/self/fd") {
            var n = 0
            while readdir(dir) != nil { n += 1 }
            closedir(dir)
            families.append(MetricFamily(name: "process_open_fds", help: "Number of open file descriptors.", type: .gauge, value: Double(max(0, n - 3))))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            families.append(MetricFamily(name: "process_max_fds", help: "Maximum number of open file descriptors.", type: .gauge, value: Double(limit.rlim_cur)))
        }
        return families
    }

    static func readFile(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: buf[..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
