import Foundation
import HTTPTypes
import Hummingbird
import Lifecycle
import Logging
import NIOCore
import Synchronization

/// A scrape target on 127.0.0.1 whose every sample is identifiable: scrape number `n` of
/// target `t` serves `fault_sample{series="i"} n*1000 + i + 0.25` for `seriesCount` series.
/// It lives in the test process, so its count continues across restarts of `lantern serve`.
final class CountingTarget: Sendable {
    let port: Int
    let index: Int
    private let scrapes = Atomic<Int>(0)
    /// Series served per scrape; a test can change it (e.g. to fill a disk).
    let seriesCount: Atomic<Int>
    /// Extra bytes of label value per series (bigger series rows).
    let padding: Atomic<Int>
    /// Set by `stop()`: every request then gets 503 (a target that is gone but still answers);
    /// the server itself runs until the test process ends.
    private let stopped = Atomic<Bool>(false)

    static func start(index: Int, seriesCount: Int, padding: Int = 0) async throws -> CountingTarget {
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let box = Mutex<CountingTarget?>(nil)
        let router = Router()
        router.get("**") { _, _ -> Response in
            guard let me = box.withLock({ $0 }), !me.stopped.load(ordering: .relaxed) else { return Response(status: .serviceUnavailable) }
            return me.render()
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in sink.yield(channel.localAddress?.port ?? 0) }
        )
        Task { try await GracefulServiceGroup(services: [app], logger: Logger(label: "counting-target")).run() }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw CancellationError() }
        let target = CountingTarget(port: port, index: index, seriesCount: seriesCount, padding: padding)
        box.withLock { $0 = target }
        return target
    }

    private init(port: Int, index: Int, seriesCount: Int, padding: Int) {
        self.port = port
        self.index = index
        self.seriesCount = Atomic(seriesCount)
        self.padding = Atomic(padding)
    }

    var address: String { "127.0.0.1:\(port)" }
    var scrapeCount: Int { scrapes.load(ordering: .relaxed) }

    private func render() -> Response {
        let n = scrapes.wrappingAdd(1, ordering: .relaxed).newValue
        let count = seriesCount.load(ordering: .relaxed)
        let pad = String(repeating: "p", count: padding.load(ordering: .relaxed))
        var body = "# TYPE fault_sample gauge\n"
        body.reserveCapacity(count * (48 + pad.count))
        for i in 0..<count {
            body += "fault_sample{series=\"\(i)\"\(pad.isEmpty ? "" : ",pad=\"\(pad)\(n)\"")} \(n * 1000 + i).25\n"
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func stop() { stopped.store(true, ordering: .relaxed) }
}

/// Writes a prometheus.yml with one job scraping `targets`.
func writeScrapeConfig(_ dir: URL, job: String, interval: String, timeout: String, targets: [String], extraJobs: String = "") throws {
    let list = targets.map { "\"\($0)\"" }.joined(separator: ", ")
    try """
    global:
      scrape_interval: \(interval)
      scrape_timeout: \(timeout)
    scrape_configs:
      - job_name: \(job)
        static_configs:
          - targets: [\(list)]
    \(extraJobs)
    """.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
}

/// One series' samples from a query API matrix: time in ms → value as the API printed it
/// (Go's shortest round-trip formatting, so equal strings mean equal float bits).
typealias MatrixRecord = [String: [Int64: String]]

/// Runs `query` (a range selector) at `time` and returns its matrix keyed by the series' labels.
func queryMatrix(port: Int, _ query: String, time: Double, timeout: TimeInterval = 20) async throws -> MatrixRecord {
    let q = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    let reply = try await LoopbackHTTP.request(port: port, path: "/api/v1/query?query=\(q)&time=\(String(format: "%.3f", time))", timeout: timeout)
    guard reply.status == 200,
          let json = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
          let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
    else { throw QueryReplyError(body: String(reply.body.prefix(500))) }
    var out: MatrixRecord = [:]
    for series in result {
        let metric = (series["metric"] as? [String: String]) ?? [:]
        let key = metric.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        var samples: [Int64: String] = [:]
        for pair in (series["values"] as? [[Any]]) ?? [] {
            guard pair.count == 2, let t = (pair[0] as? NSNumber)?.doubleValue, let v = pair[1] as? String else { continue }
            samples[Int64((t * 1000).rounded())] = v
        }
        out[key] = samples
    }
    return out
}

/// Every sample of `small` is in `big` with the same value. (Not equality: a scrape that
/// started before a query's time can commit after the query ran, adding samples to the window.)
func includes(_ big: MatrixRecord, _ small: MatrixRecord) -> Bool {
    small.allSatisfy { series, samples in
        let got = big[series] ?? [:]
        return samples.allSatisfy { got[$0.key] == $0.value }
    }
}

struct QueryReplyError: Error, CustomStringConvertible {
    let body: String
    var description: String { "unexpected query reply: \(body)" }
}

/// A deterministic generator (SplitMix64), so a failing run can be repeated from its printed seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads one Prometheus-text sample value from a /metrics body (first line starting with `name`).
func metricValue(_ body: String, _ name: String) -> Double? {
    for line in body.split(separator: "\n") where line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
        if let v = line.split(separator: " ").last.flatMap({ Double($0) }) { return v }
    }
    return nil
}
