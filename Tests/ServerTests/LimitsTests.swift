import Foundation
import KubernetesConformance
import Logging
import Testing
@testable import Server

/// The limits that protect the server from one bad request or one runaway target: each hits
/// its error, over loopback, and shows up in `/metrics` (docs/RELIABILITY.md, "Bad input").
@Suite(.timeLimit(.minutes(2)))
struct LimitsTests {
    /// Runs an in-process server with `configure`d options until `body` returns. Without a config
    /// it listens on port 0 (no race for a free port); with one (which names the port) a start that
    /// fails, e.g. because another test took the port, is retried on a new port.
    static func withServer(config: ((Int) -> String)? = nil, _ configure: (inout ServerOptions) -> Void,
                           _ body: (Int) async throws -> Void) async throws {
        let dir = try makeTemporaryDirectory()
        for attempt in 0..<3 {
            var options = ServerOptions()
            let port = config == nil ? 0 : LoopbackPort.free()
            options.listenAddress = "127.0.0.1:\(port)"
            options.storagePath = dir.appendingPathComponent("data-\(attempt)").path
            if let config {
                let file = dir.appendingPathComponent("prometheus.yml")
                try config(port).write(to: file, atomically: true, encoding: .utf8)
                options.configFile = file.path
            }
            configure(&options)
            let (ports, portSink) = AsyncStream<Int>.makeStream()
            let server = LanternServer(options: options, logger: Logger(label: "test"))
            let task = Task {
                defer { portSink.finish() }  // a server that stops or fails to start ends the wait
                try await server.run(onListening: { portSink.yield($0) })
            }
            var it = ports.makeAsyncIterator()
            guard let bound = await it.next() else {
                task.cancel()
                if attempt < 2 { continue }
                Issue.record("the server did not start: \(String(describing: await task.result))")
                return
            }
            defer { task.cancel() }
            try await body(bound)
            return
        }
    }

    static func metric(_ port: Int, _ series: String) async throws -> Double? {
        let text = try await LoopbackHTTP.request(port: port, path: "/metrics").body
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    static func form(_ fields: [String: String]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Data(fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
    }

    @Test func aLargerBodyLimitAlsoWidensQueryForms() async throws {
        try await Self.withServer({ $0.maxRequestBodySize = 12 << 20 }) { port in
            // 11 MiB: over the 10 MiB default, under the flag; the query API reads it whole.
            let big = Self.form(["query": "vector(1)", "pad": String(repeating: "x", count: 11 << 20)])
            let r = try await LoopbackHTTP.request("POST", port: port, path: "/api/v1/query", body: big, timeout: 30, contentType: "application/x-www-form-urlencoded")
            #expect(r.status == 200, "\(r.body.prefix(300))")
        }
    }

    @Test func requestBodyLimitRefusesLargeBodiesOnEveryPOSTEndpoint() async throws {
        try await Self.withServer({ $0.maxRequestBodySize = 1024 }) { port in
            let big = Self.form(["query": "up", "pad": String(repeating: "x", count: 4096)])
            for path in ["/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels", "/api/v1/format_query", "/api/v1/export"] {
                let r = try await LoopbackHTTP.request("POST", port: port, path: path, body: big, contentType: "application/x-www-form-urlencoded")
                #expect(r.status == 413, "\(path)")
                #expect(r.body.contains(#""errorType":"bad_data""#), "\(path): \(r.body)")
                #expect(r.body.contains("http: request body too large (limit 1024 bytes, --web.max-request-body-size)"), "\(path): \(r.body)")
            }
            let read = try await LoopbackHTTP.requestData("POST", port: port, path: "/api/v1/read", body: Data(repeating: 7, count: 4096))
            #expect(read.status == 413)
            #expect(String(decoding: read.data, as: UTF8.self).contains("http: request body too large"))
            // Within the limit the same endpoint answers normally.
            let small = try await LoopbackHTTP.request("POST", port: port, path: "/api/v1/format_query",
                                                       body: Self.form(["query": "sum(up)"]), contentType: "application/x-www-form-urlencoded")
            #expect(small.status == 200)
            #expect(try await Self.metric(port, #"lantern_http_request_body_too_large_total{handler="/api/v1/query"}"#) == 1)
            #expect(try await Self.metric(port, #"lantern_http_request_body_too_large_total{handler="/api/v1/read"}"#) == 1)
            #expect(try await Self.metric(port, #"lantern_http_request_body_too_large_total{handler="/api/v1/format_query"}"#) == 1)
        }
    }

    @Test func queryLimitsReturnPrometheusErrorsAndCount() async throws {
        try await Self.withServer({ $0.queryMaxSamples = 100_000; $0.queryMaxConcurrency = 3 }) { port in
            #expect(try await Self.metric(port, "lantern_engine_queries_concurrent_max") == 3)
            let tooMany = try await LoopbackHTTP.request(port: port, path: "/api/v1/query?query=count_over_time(vector(1)%5B30d:1s%5D)")
            #expect(tooMany.status == 422)
            #expect(tooMany.body.contains("query processing would load too many samples into memory in query execution"), "\(tooMany.body)")
            let slow = try await LoopbackHTTP.request(
                port: port, path: "/api/v1/query_range?query=count_over_time(vector(1)%5B1m:1s%5D)&start=0&end=10000&step=1&timeout=1ms")
            #expect(slow.status == 503)
            #expect(slow.body.contains("query timed out in "), "\(slow.body)")
            #expect(try await Self.metric(port, "lantern_engine_query_samples_limit_hits_total") == 1)
            #expect(try await Self.metric(port, "lantern_engine_query_timeouts_total") == 1)
            #expect(try await Self.metric(port, "lantern_engine_queries_total") == 2)
            #expect(try await Self.metric(port, "lantern_engine_queries") == 0)
            #expect(try await Self.metric(port, "lantern_engine_queries_waiting") == 0)
        }
    }

    @Test func scrapeLimitHitsAreCounted() async throws {
        // The server scrapes its own /metrics, which has far more than 2 samples and 100 bytes.
        let config = { (port: Int) in
            """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: samples
                sample_limit: 2
                static_configs: [{targets: ["127.0.0.1:\(port)"]}]
              - job_name: body
                body_size_limit: 100B
                static_configs: [{targets: ["127.0.0.1:\(port)"]}]
            """
        }
        try await Self.withServer(config: config, { _ in }) { port in
            let hit = try await eventually(timeout: .seconds(15)) {
                let samples = try await Self.metric(port, "lantern_target_scrapes_exceeded_sample_limit_total") ?? 0
                let body = try await Self.metric(port, "lantern_target_scrapes_exceeded_body_size_limit_total") ?? 0
                return samples >= 1 && body >= 1
            }
            #expect(hit)
            let targets = try await LoopbackHTTP.request(port: port, path: "/api/v1/targets").body
            #expect(targets.contains("sample limit exceeded"))
            #expect(targets.contains("body size limit exceeded"))
        }
    }
}

extension LimitsTests {
    /// A chunked body has no `Content-Length` to refuse up front: the middleware reads it up to
    /// the limit and refuses it there.
    @Test func chunkedBodiesAreRefusedOncePastTheLimit() async throws {
        try await Self.withServer({ $0.maxRequestBodySize = 1024 }) { port in
            let chunk = "query=up&pad=" + String(repeating: "x", count: 3000)
            let head = "POST /api/v1/series HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
            let raw = head + String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n0\r\n\r\n"
            let reply = try Self.rawExchange(port: port, Data(raw.utf8))
            #expect(reply.hasPrefix("HTTP/1.1 413"), "\(reply.prefix(200))")
            #expect(reply.contains("http: request body too large"))
            #expect(try await Self.metric(port, #"lantern_http_request_body_too_large_total{handler="/api/v1/series"}"#) == 1)
        }
    }

    /// Writes `request` to a fresh loopback connection and reads until the server closes it.
    static func rawExchange(port: Int, _ request: Data) throws -> String {
        let fd = try LoopbackHTTP.connectSocket(port: port)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return String(decoding: LoopbackHTTP.exchange(fd, request), as: UTF8.self)
    }
}
