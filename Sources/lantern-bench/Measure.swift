#if canImport(Glibc)
import Glibc
#endif

/// Timing and memory helpers for the benchmark.
enum Measure {
    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Resident set size in bytes, from /proc/self/statm.
    static func rss() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0, resident = 0
        withUnsafeMutablePointer(to: &size) { s in
            withUnsafeMutablePointer(to: &resident) { r in
                _ = withVaList([s, r]) { vfscanf(f, "%ld %ld", $0) }
            }
        }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func fileSize(_ path: String) -> Int {
        // fseek/ftell rather than stat(): with NIO in the build graph, `stat` resolves to
        // CNIOLinux's re-export, which MemberImportVisibility rejects.
        guard let f = fopen(path, "rb") else { return 0 }
        defer { fclose(f) }
        fseek(f, 0, SEEK_END)
        return Int(ftell(f))
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }
}

func fmt(_ x: Double, _ places: Int = 2) -> String {
    var f = 1.0
    for _ in 0..<places { f *= 10 }
    let r = (x * f).rounded() / f
    return "\(r)"
}
