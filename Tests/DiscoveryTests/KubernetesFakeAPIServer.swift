import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fake Kubernetes API server on 127.0.0.1 (port chosen by the kernel) that plays one
/// conformance fixture: list bodies from `objects.json`, scripted watch traffic from
/// `watch.jsonl` (chunked event streams, HTTP statuses, ERROR events, closes), and a log of
/// every request. Idle watch connections stay open until `stop()`.
final class KubernetesFakeAPIServer: Sendable {
    struct Collection: Sendable {
        var query: [String: String]
        var lists: [Data]
    }

    /// One scripted step of a watch connection.
    enum Step: Sendable {
        case event(Data, errorCode: Int?)
        case close
        case status(Int, Data)
    }

    struct RecordedRequest: Sendable {
        var path: String
        var query: [String: String]
        var headers: [String: String]
        var isWatch: Bool
    }

    private struct State {
        var expiries: [String: Int] = [:]
        var watchCounts: [String: Int] = [:]
        var requests: [RecordedRequest] = []
        var linesWritten = 0
        var allWrittenAt: ContinuousClock.Instant?
        var stopping = false
    }

    let collections: [String: Collection]
    let script: [String: [Int: [Step]]]
    let totalLines: Int
    let lineDelay: Duration
    private let state = Mutex(State())
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private(set) nonisolated(unsafe) var port = 0  // written once in start(), before any reader

    init(collections: [String: Collection], script: [String: [Int: [Step]]], totalLines: Int, lineDelay: Duration = .milliseconds(20)) {
        self.collections = collections
        self.script = script
        self.totalLines = totalLines
        self.lineDelay = lineDelay
        if totalLines == 0 { state.withLock { $0.allWrittenAt = .now } }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// When the last scripted line was delivered, or nil while some are pending.
    var allWrittenAt: ContinuousClock.Instant? { state.withLock { $0.allWrittenAt } }

    func start() async throws {
        let router = Router()
        router.get("**") { [self] request, _ in try await self.handle(request) }
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in sink.yield(channel.localAddress?.port ?? 0) },
            logger: Self.quietLogger
        )
        task.withLock { $0 = Task { try await app.run() } }
        var it = ports.makeAsyncIterator()
        guard let p = await it.next() else { throw CancellationError() }
        port = p
    }

    /// Ends idle watch streams, then the server.
    func stop() async {
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
        state.withLock { $0.requests.append(RecordedRequest(path: path, query: query, headers: headers, isWatch: isWatch)) }

        guard let collection = collections[path] else {
            return Self.json(.notFound, Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#.utf8))
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
            for step in steps {
                try await Task.sleep(for: lineDelay)
                switch step {
                case .event(let data, let errorCode):
                    if errorCode == 410 { state.withLock { $0.expiries[path, default: 0] += 1 } }
                    try await writer.write(ByteBuffer(bytes: data + Data("\n".utf8)))
                    markWritten()
                    if errorCode != nil { try await writer.finish(nil); return }
                case .close:
                    markWritten()
                    try await writer.finish(nil)
                    return
                case .status:
                    break
                }
            }
            while !state.withLock({ $0.stopping }) { try await Task.sleep(for: .milliseconds(50)) }
            try await writer.finish(nil)
        }
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        return Response(status: .ok, headers: fields, body: body)
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
