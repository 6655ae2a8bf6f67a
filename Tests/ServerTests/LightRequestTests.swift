import Foundation
import Hummingbird
import Lifecycle
import Logging
import Model
import NIOCore
import NIOPosix
import Query
import ServiceLifecycle
import Storage
import Synchronization
import Testing
@testable import Server

/// The light look-ups answered in the channel pipeline (`LightRequestHandler`) must read exactly
/// as the router's answers, keep responses in request order on a connection, and leave every
/// request they cannot answer alone to the router.
@Suite(.timeLimit(.minutes(1)))
struct LightRequestTests {
    @Test func lightAnswersEqualTheRoutersByteForByte() async throws {
        try await withServers { light, router, answered, readiness in
            let l = try RawHTTPConnection(port: light), r = try RawHTTPConnection(port: router)
            defer { l.close(); r.close() }
            // The first look-up publishes the label index (the router answers it); the rest are light.
            _ = try await r.exchange(Self.get("/api/v1/labels"))
            let targets = [
                "/-/healthy", "/-/ready", "/api/v1/labels", "/api/v1/labels?limit=2", "/api/v1/labels?start=1&end=2",
                "/api/v1/labels?start=abc", "/api/v1/labels?limit=-1", "/api/v1/label/job/values",
                "/api/v1/label/__name__/values", "/api/v1/label/path/values?limit=3", "/api/v1/label/nope/values",
                "/api/v1/label/pa%74h/values", "/api/v1/label/path/values?end=x", "/api/v1/label/many/values",
            ]
            var lightCount = 0
            for target in targets {
                for gzip in [false, true] {
                    let request = Self.get(target, gzip ? ["Accept-Encoding: gzip"] : [])
                    let fromLight = try await l.exchange(request), fromRouter = try await r.exchange(request)
                    #expect(fromLight.statusLine == fromRouter.statusLine, "\(target) gzip \(gzip)")
                    #expect(fromLight.headers(except: "date") == fromRouter.headers(except: "date"), "\(target) gzip \(gzip)")
                    #expect(fromLight.body == fromRouter.body, "\(target) gzip \(gzip)")
                    #expect(fromLight.header("date") != nil)
                    lightCount += 1
                }
            }
            #expect(answered.value.load(ordering: .relaxed) == lightCount, "every one of these is a light answer")
            readiness.markNotReady()
            let notReady = try await l.exchange(Self.get("/-/ready")), notReadyRouted = try await r.exchange(Self.get("/-/ready"))
            #expect(notReady.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(notReady.statusLine == notReadyRouted.statusLine && notReady.body == notReadyRouted.body)
            #expect(notReady.headers(except: "date") == notReadyRouted.headers(except: "date"))
            readiness.markReady()
            let many = try await l.exchange(Self.get("/api/v1/label/many/values", ["Accept-Encoding: gzip"]))
            #expect(many.header("content-encoding") == "gzip", "the body is large enough to compress")
        }
    }

    @Test func requestsTheLightPathCannotAnswerGoToTheRouter() async throws {
        try await withServers { light, _, answered, _ in
            let c = try RawHTTPConnection(port: light)
            defer { c.close() }
            _ = try await c.exchange(Self.get("/api/v1/labels"))  // publishes the label index
            let before = answered.value.load(ordering: .relaxed)
            let match = try await c.exchange(Self.get("/api/v1/label/job/values?match[]=up"))
            #expect(match.body == Data(#"{"status":"success","data":["a"]}"#.utf8))
            let post = try await c.exchange(Data("POST /api/v1/labels HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".utf8))
            #expect(post.statusLine.hasSuffix("200 OK"))
            let head = try await c.exchange(Data("HEAD /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n".utf8), expectBody: false)
            #expect(head.statusLine.hasSuffix("200 OK"))
            let withBody = try await c.exchange(Data("GET /api/v1/labels HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc".utf8))
            #expect(withBody.statusLine.hasSuffix("200 OK"))
            #expect(answered.value.load(ordering: .relaxed) == before, "none of these was answered in the pipeline")
            // A closing request: the router answers and closes, as it would without the light path.
            let closing = try await c.exchange(Self.get("/api/v1/labels", ["Connection: close"]))
            #expect(closing.statusLine.hasSuffix("200 OK"))
            #expect(try await c.atEnd(), "the server closed the connection")
            #expect(answered.value.load(ordering: .relaxed) == before)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServers { light, _, answered, _ in
            let c = try RawHTTPConnection(port: light)
            defer { c.close() }
            _ = try await c.exchange(Self.get("/api/v1/labels"))
            // A routed request first: the light ones behind it wait their turn (the router answers them).
            c.send(Self.get("/api/v1/query?query=up") + Self.get("/-/healthy") + Self.get("/api/v1/labels"))
            let first = try await c.readResponse(), second = try await c.readResponse(), third = try await c.readResponse()
            #expect(String(decoding: first.body, as: UTF8.self).contains(#""resultType":"vector""#))
            #expect(second.body == Data("Lantern Server is Healthy.\n".utf8))
            #expect(String(decoding: third.body, as: UTF8.self).hasPrefix(#"{"status":"success","data":["__name__""#))
            // Light, routed, light: each in its place.
            let before = answered.value.load(ordering: .relaxed)
            c.send(Self.get("/-/healthy") + Self.get("/api/v1/query?query=up") + Self.get("/-/healthy"))
            let a = try await c.readResponse(), b = try await c.readResponse(), d = try await c.readResponse()
            #expect(a.body == Data("Lantern Server is Healthy.\n".utf8))
            #expect(String(decoding: b.body, as: UTF8.self).contains(#""resultType":"vector""#))
            #expect(d.body == Data("Lantern Server is Healthy.\n".utf8))
            #expect(answered.value.load(ordering: .relaxed) >= before + 1, "the first request is light")
        }
    }

    @Test func theLoopPollsBrieflyAfterEachResponseThenStops() async throws {
        // A loop of its own: the other tests' servers share the default ones.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withServers(on: group) { light, router, _, _ in
            func pollers() async throws -> [(ticks: Int, polling: Bool)] {
                var out: [(Int, Bool)] = []
                for loop in group.makeIterator() {
                    let poller = LoopPoller.of(loop)
                    out.append(try await loop.submit { (poller.ticks, poller.isPolling) }.get())
                }
                return out
            }
            for port in [light, router] {
                let c = try RawHTTPConnection(port: port)
                defer { c.close() }
                let before = try await pollers().map(\.ticks).reduce(0, +)
                _ = try await c.exchange(Self.get("/api/v1/query?query=up"))
                _ = try await c.exchange(Self.get("/-/healthy"))
                try await Task.sleep(for: .milliseconds(20))
                let after = try await pollers()
                #expect(after.map(\.ticks).reduce(0, +) > before, "the loop polled after the responses")
                #expect(after.allSatisfy { !$0.polling }, "and stopped once the window passed")
            }
        }
        try await group.shutdownGracefully()
    }

    @Test func httpDateAndValuesPath() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(1_798_761_600) == "Fri, 01 Jan 2027 00:00:00 GMT")
        #expect(LightResponder.labelName(inValuesPath: "/api/v1/label/job/values") == "job")
        #expect(LightResponder.labelName(inValuesPath: "/api/v1/label//values") == nil)
        #expect(LightResponder.labelName(inValuesPath: "/api/v1/label/a/b/values") == nil)
        #expect(LightResponder.labelName(inValuesPath: "/api/v1/label/values") == nil)
    }

    // MARK: - Support

    static func get(_ target: String, _ headers: [String] = []) -> Data {
        Data((["GET \(target) HTTP/1.1", "Host: 127.0.0.1"] + headers + ["", ""]).joined(separator: "\r\n").utf8)
    }

    /// Two servers over one storage and one set of routes: one with the light path (its answers
    /// counted), one without. Runs `body` with their ports, the count and the readiness they share.
    private func withServers(on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, _ body: (_ light: Int, _ router: Int, _ answered: LightCount, _ readiness: Readiness) async throws -> Void) async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let storage = try await SQLiteStorage.open(path: dir.appendingPathComponent("data").path)
        var app = storage.appender()
        var series: [Labels] = [
            Labels(("__name__", "up"), ("job", "a"), ("instance", "x:1")),
            Labels(("__name__", "http_requests_total"), ("job", "b"), ("path", "/api/v1/query"), ("code", "200")),
            Labels(("__name__", "http_requests_total"), ("job", "b"), ("path", "/quote\"back\\slash"), ("code", "500")),
            Labels(("__name__", "temperature"), ("job", "b"), ("path", "ünïcödé")),
        ]
        for i in 0..<60 { series.append(Labels(("__name__", "spread"), ("many", "value-number-\(i)"))) }
        for labels in series { _ = try app.append(nil, labels, at: Timestamp.now() - 1000, value: 1) }
        try await app.commit()
        let readiness = Readiness()
        readiness.markReady()
        let api = QueryAPI(runner: QueryRunner(storage: storage), queryable: storage)
        let answered = LightCount()
        let base = LightResponder.lantern(api: api, readiness: readiness)
        let counting = LightResponder { path, query in
            let answer = base.answer(path, query)
            if answer != nil { answered.value.add(1, ordering: .relaxed) }
            return answer
        }
        var logger = Logger(label: "light")
        logger.logLevel = .critical
        func makeApp(_ light: LightResponder?, _ ports: AsyncStream<Int>.Continuation) -> some Service {
            let router = Router()
            router.add(middleware: OffLoopMiddleware())
            router.add(middleware: GzipMiddleware())
            LifecycleRoutes.add(to: router, registry: MetricsRegistry(), readiness: readiness, lifecycleEnabled: false,
                                actions: LifecycleActions(reload: { .success(()) }, quit: {}))
            api.addRoutes(to: router)
            return Application(router: router, server: WebAccess.plain(light: light),
                               configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                               onServerRunning: { ports.yield($0.localAddress?.port ?? 0) },
                               eventLoopGroupProvider: .shared(group), logger: logger)
        }
        let (lightPorts, lightSink) = AsyncStream<Int>.makeStream()
        let (routerPorts, routerSink) = AsyncStream<Int>.makeStream()
        let services: [any Service] = [makeApp(counting, lightSink), makeApp(nil, routerSink)]
        let server = Task { try await GracefulServiceGroup(services: services, logger: logger).run() }
        var lightIt = lightPorts.makeAsyncIterator(), routerIt = routerPorts.makeAsyncIterator()
        let lightPort = try #require(await lightIt.next()), routerPort = try #require(await routerIt.next())
        do {
            try await body(lightPort, routerPort, answered, readiness)
        } catch {
            server.cancel()
            _ = await server.result
            try await storage.close()
            throw error
        }
        server.cancel()
        _ = await server.result
        try await storage.close()
    }
}

/// How many requests the light path answered.
final class LightCount: Sendable {
    let value = Atomic<Int>(0)
}

/// A keep-alive HTTP/1.1 connection over a POSIX socket that reads responses one at a time
/// (by `Content-Length`), so pipelining and exact bytes can be checked. Its blocking reads run
/// on a thread of their own: on the cooperative pool they could starve the server under test.
final class RawHTTPConnection: @unchecked Sendable {  // safe: used by one test task at a time
    struct Response: Sendable {
        let statusLine: String
        let headerLines: [String]
        let body: Data

        func header(_ name: String) -> String? {
            for line in headerLines {
                guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name else { continue }
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return nil
        }

        /// Every header line, names lowercased, but `name`'s.
        func headers(except name: String) -> [String] {
            headerLines.filter { !$0.lowercased().hasPrefix(name + ":") }.map { line in
                guard let colon = line.firstIndex(of: ":") else { return line }
                return line[..<colon].lowercased() + line[colon...]
            }.sorted()
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    private let fd: Int32
    private var pending = Data()

    init(port: Int) throws {
        fd = try LoopbackHTTP.connectSocket(port: port)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func close() { _ = Glibc.close(fd) }

    func send(_ bytes: Data) {
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    func exchange(_ request: Data, expectBody: Bool = true) async throws -> Response {
        send(request)
        return try await readResponse(expectBody: expectBody)
    }

    func readResponse(expectBody: Bool = true) async throws -> Response {
        try await Self.onThread { try self.readResponseBlocking(expectBody: expectBody) }
    }

    /// Whether the server has closed the connection (nothing more to read).
    func atEnd() async throws -> Bool {
        try await Self.onThread {
            var byte: UInt8 = 0
            return self.pending.isEmpty && read(self.fd, &byte, 1) == 0
        }
    }

    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private func readResponseBlocking(expectBody: Bool) throws -> Response {
        var split = pending.range(of: Data("\r\n\r\n".utf8))
        while split == nil {
            try fill()
            split = pending.range(of: Data("\r\n\r\n".utf8))
        }
        let headEnd = split!
        let lines = String(decoding: pending[pending.startIndex..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        pending = Data(pending[headEnd.upperBound...])
        let head = Response(statusLine: lines[0], headerLines: Array(lines.dropFirst()), body: Data())
        let length = expectBody ? Int(head.header("content-length") ?? "0") ?? 0 : 0
        while pending.count < length { try fill() }
        let body = Data(pending.prefix(length))
        pending = Data(pending.dropFirst(length))
        return Response(statusLine: head.statusLine, headerLines: head.headerLines, body: body)
    }

    private func fill() throws {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { throw Failure(description: "connection ended or timed out (read \(n)) with \(pending.count) bytes pending") }
        pending.append(contentsOf: buffer[0..<n])
    }
}
