public import Foundation
import HTTPTypes
import Hummingbird
import Lifecycle
import Logging
import NIOCore
import Synchronization

/// A fake Kubernetes API server on a loopback address that plays one conformance fixture: list
/// bodies from `objects.json`, scripted watch traffic from `watch.jsonl` (chunked event streams,
/// HTTP statuses, ERROR events, closes), and a log of every request. Idle watch connections stay
/// open until `stop()`; while idle they deliver events pushed with `emit(path:_:)`.
///
/// Beyond the fixture format, tests can cut a stream mid-line (`Step.partial`), fail the next
/// lists (`failLists`), require a bearer token (`requiredAuthorization`) and start late on a
/// fixed port. Thread-safe; every method may be called from any task.
public final class KubernetesFakeAPIServer: Sendable {
    /// One collection path: the query every request must carry and the list bodies by expiry count.
    public struct Collection: Sendable {
        public var query: [String: String]
        public var lists: [Data]

        public init(query: [String: String] = [:], lists: [Data]) {
            self.query = query
            self.lists = lists
        }
    }

    /// One scripted step of a watch connection.
    public enum Step: Sendable {
        /// One event line (a newline is appended); `errorCode` non-nil ends the stream after it.
        case event(Data, errorCode: Int?)
        /// Ends the stream normally.
        case close
        /// Answers the connection with this status and body instead of a stream.
        case status(Int, Data)
        /// Writes these bytes as they are (no newline), then ends the stream: a stream dropped mid-event.
        case partial(Data)
        /// Writes many event lines in one chunk (a burst); counts as one scripted line.
        case burst([Data])
    }

    /// A request as the server saw it.
    public struct RecordedRequest: Sendable {
        public var path: String
        public var query: [String: String]
        public var headers: [String: String]
        public var isWatch: Bool
    }

    private struct State {
        var expiries: [String: Int] = [:]
        var watchCounts: [String: Int] = [:]
        var requests: [RecordedRequest] = []
        var linesWritten = 0
        var allWrittenAt: ContinuousClock.Instant?
        var stopping = false
        var listFailures: [String: (count: Int, status: Int)] = [:]
        var pushed: [String: [Data?]] = [:]
        var requiredAuthorization: String?
        var pushedWrittenAt: ContinuousClock.Instant?
    }

    public let collections: [String: Collection]
    public let script: [String: [Int: [Step]]]
    public let totalLines: Int
    public let lineDelay: Duration
    private let host: String
    private let state = Mutex(State())
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let boundPort = Atomic<Int>(0)

    /// - Parameters:
    ///   - collections: list bodies per URL path.
    ///   - script: steps per path and watch connection number (0, 1, …).
    ///   - totalLines: how many steps the script holds (for `allWrittenAt`).
    ///   - lineDelay: pause before each step of a stream.
    ///   - host: the loopback address to bind.
    public init(collections: [String: Collection], script: [String: [Int: [Step]]] = [:], totalLines: Int = 0,
                lineDelay: Duration = .milliseconds(20), host: String = "127.0.0.1") {
        self.collections = collections
        self.script = script
        self.totalLines = totalLines
        self.lineDelay = lineDelay
        self.host = host
        if totalLines == 0 { state.withLock { $0.allWrittenAt = .now } }
    }

    /// The bound port (0 before `start`).
    public var port: Int { boundPort.load(ordering: .acquiring) }
    public var baseURL: String { "http://\(host):\(port)" }
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// When the last scripted line was delivered, or nil while some are pending.
    public var allWrittenAt: ContinuousClock.Instant? { state.withLock { $0.allWrittenAt } }

    /// When the last events queued with `emit` were written to a watch stream.
    public var pushedWrittenAt: ContinuousClock.Instant? { state.withLock { $0.pushedWrittenAt } }

    /// When set, requests without exactly this `Authorization` header get 401.
    public var requiredAuthorization: String? {
        get { state.withLock { $0.requiredAuthorization } }
        set { state.withLock { $0.requiredAuthorization = newValue } }
    }

    /// Answers the next `count` list requests on `path` with `status`.
    public func failLists(path: String, count: Int, status: Int = 500) {
        state.withLock { $0.listFailures[path] = (count, status) }
    }

    /// Queues an event line for the open (idle) watch connection on `path`.
    public func emit(path: String, _ event: Data) {
        state.withLock { $0.pushed[path, default: []].append(event) }
    }

    /// Ends the open (idle) watch connection on `path` normally, after the events queued before.
    public func closeWatch(path: String) {
        state.withLock { $0.pushed[path, default: []].append(nil) }
    }

    /// Starts listening; `port` 0 lets the kernel choose.
    public func start(port requested: Int = 0) async throws {
        let router = Router()
        router.get("**") { [self] request, _ in try await self.handle(request) }
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: requested), serverName: nil),
            onServerRunning: { channel in sink.yield(channel.localAddress?.port ?? 0) },
            logger: Self.quietLogger
        )
        let group = GracefulServiceGroup(services: [app], maximumGracefulShutdownDuration: .seconds(5), logger: Self.quietLogger)
        task.withLock { $0 = Task { try await group.run() } }
        var it = ports.makeAsyncIterator()
        guard let p = await it.next() else { throw CancellationError() }
        boundPort.store(p, ordering: .releasing)
    }

    /// Ends idle watch streams, then the server.
    public func stop() async {
        state.withLock { $0.stopping = true }
        try? await Task.sleep(for: .milliseconds(120))
        task.withLock { $0?.cancel() }
    }

    private func markWritten() {
        state.withLock {
            $0.linesWritten += 1
            if $0.linesWritten == totalLines { $0.allWrittenAt = .now }
        }
    }

    private func handle(_ request: Request) async throws -> Response {
        let path = request.uri.path
        let query = Self.parseQuery(request.uri.query ?? "")
        let isWatch = query["watch"] == "true" || query["watch"] == "1"
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let (required, listFailure) = state.withLock { s -> (String?, Int?) in
            s.requests.append(RecordedRequest(path: path, query: query, headers: headers, isWatch: isWatch))
            guard !isWatch, let f = s.listFailures[path], f.count > 0 else { return (s.requiredAuthorization, nil) }
            s.listFailures[path] = (f.count - 1, f.status)
            return (s.requiredAuthorization, f.status)
        }
        if let required, headers["authorization"] != required {
            return Self.json(.unauthorized, Data(#"{"kind":"Status","status":"Failure","reason":"Unauthorized","code":401}"#.utf8))
        }
        guard let collection = collections[path] else {
            return Self.json(.notFound, Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#.utf8))
        }
        if let listFailure {
            return Self.json(HTTPResponse.Status(code: listFailure), Data(#"{"kind":"Status","status":"Failure","code":\#(listFailure)}"#.utf8))
        }
        if !isWatch {
            let g = state.withLock { $0.expiries[path, default: 0] }
            return Self.json(.ok, collection.lists[min(g, collection.lists.count - 1)])
        }
        let n = state.withLock { s -> Int in
            defer { s.watchCounts[path, default: 0] += 1 }
            return s.watchCounts[path, default: 0]
        }
        let steps = script[path]?[n] ?? []
        if case .status(let code, let body) = steps.first {
            // Count the expiry before answering, so the client's relist sees the next list.
            if code == 410 { state.withLock { $0.expiries[path, default: 0] += 1 } }
            markWritten()
            return Self.json(HTTPResponse.Status(code: code), body)
        }
        let body = ResponseBody { [self] writer in
            if try await play(steps, path: path, writer: &writer) { return }
            while !state.withLock({ $0.stopping }) {
                let pushed = state.withLock { $0.pushed.removeValue(forKey: path) ?? [] }
                for line in pushed {
                    guard let line else { try await writer.finish(nil); return }
                    try await writer.write(ByteBuffer(bytes: line + Data("\n".utf8)))
                }
                if pushed.isEmpty { try await Task.sleep(for: .milliseconds(20)) } else { state.withLock { $0.pushedWrittenAt = .now } }
            }
            try await writer.finish(nil)
        }
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        return Response(status: .ok, headers: fields, body: body)
    }

    /// Writes the scripted steps; returns true when the stream has been finished.
    private func play(_ steps: [Step], path: String, writer: inout any ResponseBodyWriter) async throws -> Bool {
        for step in steps {
            try await Task.sleep(for: lineDelay)
            switch step {
            case .event(let data, let errorCode):
                if errorCode == 410 { state.withLock { $0.expiries[path, default: 0] += 1 } }
                try await writer.write(ByteBuffer(bytes: data + Data("\n".utf8)))
                markWritten()
                if errorCode != nil { try await writer.finish(nil); return true }
            case .burst(let lines):
                var buffer = ByteBuffer()
                for line in lines {
                    buffer.writeBytes(line)
                    buffer.writeInteger(UInt8(ascii: "\n"))
                }
                try await writer.write(buffer)
                markWritten()
            case .partial(let data):
                try await writer.write(ByteBuffer(bytes: data))
                markWritten()
                try await writer.finish(nil)
                return true
            case .close:
                markWritten()
                try await writer.finish(nil)
                return true
            case .status:
                break
            }
        }
        return false
    }

    /// Hummingbird logs cancelled connections at error level when the test stops it.
    private static let quietLogger: Logger = {
        var l = Logger(label: "fake-k8s-api")
        l.logLevel = .critical
        return l
    }()

    private static func json(_ status: HTTPResponse.Status, _ body: Data) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func parseQuery(_ q: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in q.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            out[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }
}
