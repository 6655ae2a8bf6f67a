import Foundation
import HTTPTypes
import Hummingbird
import Lifecycle
import Logging
import Model
import NIOCore
import Prompb
import Storage
import SwiftProtobuf
import Synchronization
import Testing

/// The remote-write queue's HTTP behaviour against a scripted receiver: protocol headers,
/// retries on 5xx and 429 (Retry-After honoured), drops on other 4xx.
@Suite(.timeLimit(.minutes(1)))
struct RemoteWriteRetryTests {
    /// A receiver answering with `script` in turn (the last answer repeats), recording requests.
    final class Receiver: Sendable {
        let port: Int
        let task: Task<Void, any Error>
        let log: LogBox

        init(script: [(Int, [(String, String)])]) async throws {
            let log = LogBox()
            self.log = log
            let counter = CounterBox()
            let router = Router()
            router.post("/write") { request, _ in
                var request = request
                let body = try await request.collectBody(upTo: 1 << 20)
                let decoded = try Prometheus_WriteRequest(serializedBytes: try Snappy.decode(Array(buffer: body)))
                log.m.withLock { $0.append((request.headers, decoded, .now)) }
                let i = counter.n.wrappingAdd(1, ordering: .relaxed).oldValue
                let (status, headers) = script[min(i, script.count - 1)]
                var fields = HTTPFields()
                for (k, v) in headers { fields[HTTPField.Name(k)!] = v }
                return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: "status \(status)")))
            }
            let (ports, sink) = AsyncStream<Int>.makeStream()
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                                  onServerRunning: { sink.yield($0.localAddress?.port ?? 0) })
            let group = GracefulServiceGroup(services: [app], maximumGracefulShutdownDuration: .seconds(5), logger: Logger(label: "receiver"))
            task = Task { try await group.run() }
            var it = ports.makeAsyncIterator()
            port = await it.next() ?? 0
        }

        /// Cancelling shuts the receiver down gracefully, even while the sender still retries.
        deinit { task.cancel() }
    }

    final class LogBox: Sendable { let m = Mutex<[(HTTPFields, Prometheus_WriteRequest, ContinuousClock.Instant)]>([]) }
    final class CounterBox: Sendable { let n = Atomic<Int>(0) }

    func run(_ script: [(Int, [(String, String)])], retry429: Bool, until: @escaping ([StorageMetric]) -> Bool) async throws -> (Receiver, [StorageMetric]) {
        let receiver = try await Receiver(script: script)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-rw-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let storage = try await SQLiteStorage.open(path: dir.appendingPathComponent("l.db").path)
        var o = RemoteWriteOptions(url: "http://127.0.0.1:\(receiver.port)/write", name: "scripted")
        o.queue.batchSendDeadline = .milliseconds(200)
        o.queue.minBackoff = .milliseconds(20)
        o.queue.maxBackoff = .milliseconds(100)
        o.queue.retryOnHTTP429 = retry429
        o.headers = ["X-Scope-OrgID": "tenant-1"]
        o.authorization = ("Bearer", "secret-token")
        let rw = RemoteWriteStorage(options: o, source: storage)
        let fanout = FanoutStorage(primary: storage, secondaries: [rw])
        var app = fanout.appender()
        let now = Timestamp.now()
        for i in 0..<3 { _ = try app.append(nil, Labels(("__name__", "m"), ("i", "\(i)")), at: now, value: Double(i)) }
        try await app.commit()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !until(rw.collectMetrics()) { try await Task.sleep(for: .milliseconds(20)) }
        let metrics = rw.collectMetrics()
        try await fanout.close()
        return (receiver, metrics)
    }

    static func value(_ m: [StorageMetric], _ name: String) -> Double { m.first { $0.name == "lantern_remote_storage_" + name }?.value ?? -1 }

    @Test func retriesServerErrorsAnd429WithRetryAfterThenDelivers() async throws {
        let (receiver, m) = try await run([(503, []), (500, []), (429, [("Retry-After", "1")]), (204, [])], retry429: true) {
            Self.value($0, "samples_total") == 3
        }
        let log = receiver.log.m.withLock { $0 }
        #expect(log.count == 4)
        #expect(Self.value(m, "samples_total") == 3)
        #expect(Self.value(m, "samples_retried_total") == 9)
        #expect(Self.value(m, "samples_failed_total") == 0)
        // Retry-After: 1 s between the 429 and the next attempt.
        #expect(log[3].2 - log[2].2 >= .milliseconds(950))
        let h = log[0].0
        #expect(h[.contentEncoding] == "snappy")
        #expect(h[.contentType] == "application/x-protobuf")
        #expect(h[HTTPField.Name("X-Prometheus-Remote-Write-Version")!] == "0.1.0")
        #expect(h[HTTPField.Name("X-Scope-OrgID")!] == "tenant-1")
        #expect(h[.authorization] == "Bearer secret-token")
        #expect(log[3].1.timeseries.map { $0.labels.map { "\($0.name)=\($0.value)" } } == [["__name__=m", "i=0"], ["__name__=m", "i=1"], ["__name__=m", "i=2"]])
        #expect(log[3].1.timeseries.map { $0.samples.first!.value } == [0, 1, 2])
    }

    @Test func dropsAndCountsOtherClientErrorsAnd429WithoutRetryOption() async throws {
        let (receiver, m) = try await run([(400, [])], retry429: false) { Self.value($0, "samples_failed_total") == 3 }
        #expect(Self.value(m, "samples_failed_total") == 3)
        #expect(Self.value(m, "samples_total") == 0)
        // The batch was refused, then each series alone (one bad series must not drop the rest).
        #expect(receiver.log.m.withLock { $0.count } == 4)
        let (_, m429) = try await run([(429, [])], retry429: false) { Self.value($0, "samples_failed_total") == 3 }
        #expect(Self.value(m429, "samples_retried_total") == 0)
    }
}
