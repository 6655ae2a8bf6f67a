import Scrape

/// A node_exporter-like scrape body: families of counters, gauges and a histogram with
/// HELP/TYPE lines and typical label sets.
enum SyntheticBody {
    static func make(series: Int, format: ExpositionFormat) -> [UInt8] {
        var out = ""
        var emitted = 0
        var family = 0
        let devices = ["sda", "sdb", "nvme0n1", "dm-0"]
        let modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"]
        while emitted < series {
            switch family % 4 {
            case 0:
                let name = "node_cpu_seconds_\(family)"
                out += "# HELP \(name) Seconds the CPUs spent in each mode.\n# TYPE \(name) counter\n"
                for cpu in 0..<4 { for mode in modes where emitted < series {
                    let sample = format == .openMetrics ? "\(name)_total" : "\(name)_total"
                    out += "\(sample){cpu=\"\(cpu)\",mode=\"\(mode)\"} \(Double(cpu * 1000 + emitted) * 1.37)\n"
                    emitted += 1
                } }
            case 1:
                let name = "node_disk_read_bytes_\(family)"
                out += "# HELP \(name) The total number of bytes read successfully.\n# TYPE \(name) gauge\n"
                for d in devices where emitted < series {
                    out += "\(name){device=\"\(d)\"} \(emitted * 4096 + 17)\n"
                    emitted += 1
                }
            case 2:
                let name = "node_http_request_duration_seconds_\(family)"
                out += "# HELP \(name) Histogram of request latencies.\n# TYPE \(name) histogram\n"
                for le in ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"] where emitted < series {
                    out += "\(name)_bucket{handler=\"/metrics\",method=\"GET\",le=\"\(le)\"} \(emitted)\n"
                    emitted += 1
                }
                out += "\(name)_sum{handler=\"/metrics\",method=\"GET\"} 1.2345e+02\n\(name)_count{handler=\"/metrics\",method=\"GET\"} \(emitted)\n"
                emitted += 2
            default:
                let name = "node_filesystem_avail_bytes_\(family)"
                out += "# HELP \(name) Filesystem space available to non-root users in bytes.\n# TYPE \(name) gauge\n"
                out += "\(name){device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"/\"} 4.2991472e+10\n"
                out += "\(name){device=\"tmpfs\",fstype=\"tmpfs\",mountpoint=\"/run\"} 8.33654784e+08\n"
                emitted += 2
            }
            family += 1
        }
        if format == .openMetrics { out += "# EOF\n" }
        return Array(out.utf8)
    }
}
