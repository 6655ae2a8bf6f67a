import Foundation
import Synchronization
import Testing

/// Slow and stuck peers must only hurt themselves: a target that never answers, a query
/// that runs past `--query.timeout`, and an HTTP client that reads a big response a few bytes
/// at a time, all at once against one server whose healthy targets must stay on schedule.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SlowConsumerTests {
    @Test func stuckTargetSlowQueryAndSlowReaderDoNotDelayAnyoneElse() async throws {
        let dir = try makeTemporaryDirectory()
        let stuck = try StuckListener()
        defer { stuck.stop() }
        var healthy: [CountingTarget] = []
        for i in 0..<3 { healthy.append(try await CountingTarget.start(index: i, seriesCount: 10)) }
        // Many series, so /federate has a big response for the slow reader; in a job of its own
        // with a generous timeout (scraping 4,000 series in a debug build on a loaded machine
        // can take longer than the healthy job's 300 ms).
        let big = try await CountingTarget.start(index: 9, seriesCount: 4_000)
        defer { for t in healthy + [big] { t.stop() } }
        try writeScrapeConfig(dir, job: "healthy", interval: "500ms", timeout: "450ms", targets: healthy.map(\.address), extraJobs: """
          - job_name: stuck
            scrape_timeout: 300ms
            static_configs:
              - targets: ["127.0.0.1:\(stuck.port)"]
          - job_name: big
            scrape_interval: 1s
            scrape_timeout: 900ms
            static_configs:
              - targets: ["\(big.address)"]
        """)
        let lantern = try LanternProcess(
            ["serve", "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:0", "--storage.path=data", "--query.timeout=400ms"],
            directory: dir
        )
        let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")
        #expect(await eventually(timeout: .seconds(10)) {
            ((try? await queryMatrix(port: port, "up{job=\"healthy\"}[10s]", time: Date().timeIntervalSince1970))?.count ?? 0) == 3
        })
        // The big target must be in storage, or /federate is small enough to read in time.
        let bigCount = "count(fault_sample{job=\"big\"})".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(await eventually(timeout: .seconds(15)) {
            ((try? await LoopbackHTTP.request(port: port, path: "/api/v1/query?query=\(bigCount)"))?.body.contains(#""4000"]"#)) ?? false
        })
        let windowStart = Date().timeIntervalSince1970

        // (c) a client reading a large /federate response 100 bytes per 100 ms, for 4 s;
        let slowReader = Task.detached { try SlowReader.read(port: port, path: "/federate?match%5B%5D=%7B__name__%3D~%22.%2B%22%7D", seconds: 4) }
        // (b) queries that run past --query.timeout, one after another, for the same 4 s;
        let slowQueries = Task {
            var replies: [LoopbackHTTP.Reply] = []
            let q = "count_over_time(count_over_time(up[1m:1ms])[1m:1ms])".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let end = Date().addingTimeInterval(4)
            while Date() < end {
                let started = Date()
                let r = try await LoopbackHTTP.request(port: port, path: "/api/v1/query?query=\(q)", timeout: 10)
                replies.append(r)
                #expect(Date().timeIntervalSince(started) < 2.5, "the timed-out query answered after \(Date().timeIntervalSince(started)) s")
            }
            return replies
        }
        // ... while other queries keep answering fast.
        var fast: [Double] = []
        while Date().timeIntervalSince1970 < windowStart + 4 {
            let started = Date()
            let r = try await LoopbackHTTP.request(port: port, path: "/api/v1/query?query=up", timeout: 5)
            #expect(r.status == 200)
            fast.append(Date().timeIntervalSince(started))
            try await Task.sleep(for: .milliseconds(100))
        }
        let replies = try await slowQueries.value
        let read = try await slowReader.value
        #expect(read.bytes > 0 && read.bytes < read.total ?? Int.max, "the slow reader got \(read.bytes) bytes")
        #expect(!replies.isEmpty)
        for r in replies {
            #expect(r.status == 503, "\(r.body)")
            #expect(r.body.contains(#""errorType":"timeout""#) && r.body.contains("query timed out in expression evaluation"), "\(r.body)")
        }
        let sortedFast = fast.sorted()
        // Generous bounds: the suite runs beside other CPU-heavy suites on two cores; waiting
        // behind the timed-out queries would take their 400 ms each, over and over.
        #expect(sortedFast[sortedFast.count / 2] < 1.0 && (sortedFast.last ?? 0) < 3.0, "fast queries took \(sortedFast)")

        // (a) the healthy targets' scrapes stayed on schedule through all of it,
        let windowEnd = Date().timeIntervalSince1970
        try await Task.sleep(for: .milliseconds(600))
        let up = try await queryMatrix(port: port, "up[\(Int((windowEnd - windowStart) * 1000))ms]", time: windowEnd)
        var worstGap: Int64 = 0
        for (series, samples) in up where series.contains("job=healthy") {
            let ts = samples.keys.sorted()
            #expect(ts.count >= 7, "\(series): \(ts.count) scrapes in \(windowEnd - windowStart) s")
            #expect(samples.values.allSatisfy { $0 == "1" })
            for (a, b) in zip(ts, ts.dropFirst()) { worstGap = max(worstGap, b - a) }
        }
        // Waiting behind the stuck target would add its 300 ms timeout (gap >= 800 ms); the
        // margin above 500 ms is scheduling noise on a loaded CI machine.
        #expect(worstGap <= 750, "a healthy target's scrape was delayed: gap \(worstGap) ms (interval 500 ms)")
        // and the stuck target fails after its scrape_timeout.
        let stuckUp = up.first { $0.key.contains("job=stuck") }?.value ?? [:]
        #expect(!stuckUp.isEmpty && stuckUp.values.allSatisfy { $0 == "0" }, "\(stuckUp)")
        let targets = try await LoopbackHTTP.request(port: port, path: "/api/v1/targets")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(targets.body.utf8)) as? [String: Any])
        let active = ((json["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
        let stuckTarget = try #require(active.first { $0["scrapePool"] as? String == "stuck" })
        let duration = (stuckTarget["lastScrapeDuration"] as? NSNumber)?.doubleValue ?? 0
        #expect(stuckTarget["health"] as? String == "down")
        #expect(duration >= 0.28 && duration < 0.6, "the stuck scrape ended after \(duration) s (timeout 300 ms)")
        // Prometheus's text for a scrape that ran out of time.
        #expect(((stuckTarget["lastError"] as? String) ?? "").contains("context deadline exceeded"), "\(stuckTarget["lastError"] ?? "")")
        print(String(format: "SlowConsumerTests: fast query median %.1f ms max %.1f ms; %d timed-out queries; worst healthy scrape gap %d ms; slow reader got %d bytes",
                     sortedFast[sortedFast.count / 2] * 1000, (sortedFast.last ?? 0) * 1000, replies.count, worstGap, read.bytes))
        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0, "log:\n\(lantern.logText)")
    }
}

/// A TCP listener on 127.0.0.1 that accepts connections and never answers.
final class StuckListener: Sendable {
    let port: Int
    private let fd: Int32
    private let accepted = AcceptedSockets()

    final class AcceptedSockets: Sendable {
        let fds = Mutex<[Int32]>([])
    }

    init() throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) == 0 && listen(sock, 64) == 0 && getsockname(sock, $0, &len) == 0 }
        }
        guard ok else { close(sock); throw URLError(.cannotConnectToHost) }
        fd = sock
        port = Int(UInt16(bigEndian: addr.sin_port))
        let listenFD = fd, accepted = self.accepted
        Thread {
            while true {
                let c = accept(listenFD, nil, nil)
                if c < 0 { break }
                accepted.fds.withLock { $0.append(c) }
            }
        }.start()
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        accepted.fds.withLock { for c in $0 { close(c) }; $0.removeAll() }
    }
}

/// An HTTP client that reads a response 100 bytes every 100 ms with a tiny receive buffer.
enum SlowReader {
    static func read(port: Int, path: String, seconds: Double) throws -> (bytes: Int, total: Int?) {
        let fd = try LoopbackHTTP.connectSocket(port: port, receiveBuffer: 2048)
        defer { close(fd) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var buf = [UInt8](repeating: 0, count: 100)
        var got = Data()
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let n = Foundation.read(fd, &buf, buf.count)
            if n <= 0 { break }
            got.append(contentsOf: buf[0..<n])
            usleep(100_000)
        }
        let head = String(decoding: got.prefix(1000), as: UTF8.self)
        let total = head.range(of: "content-length: ", options: .caseInsensitive).flatMap { r in Int(head[r.upperBound...].prefix { $0.isNumber }) }
        return (got.count, total)
    }
}
