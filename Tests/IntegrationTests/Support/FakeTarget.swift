import Foundation
import HTTPTypes
import Hummingbird
import Lifecycle
import Logging
import NIOCore
import Synchronization

/// A scrape target on 127.0.0.1 (port chosen by the kernel), built on Hummingbird, that
/// records the requests it got. Tests set the handler; the server stops when the test ends.
final class FakeTarget: Sendable {
    struct SeenRequest: Sendable {
        let path: String
        let headers: HTTPFields
    }

    let port: Int
    /// Set by `stop()`: every request then gets 503 (a target that is gone but still answers);
    /// the server itself runs until the test process ends.
    private let stopped: StopFlag

    /// Starts the server; `handler` answers every request on any path.
    static func start(_ handler: @escaping @Sendable (Request) async throws -> Response) async throws -> FakeTarget {
        let box = SeenBox()
        let router = Router()
        let stopped = StopFlag()
        router.get("**") { request, _ in
            if stopped.isSet { return Response(status: .serviceUnavailable) }
            box.append(SeenRequest(path: request.uri.path, headers: request.headers))
            return try await handler(request)
        }
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in sink.yield(channel.localAddress?.port ?? 0) }
        )
        Task { try await GracefulServiceGroup(services: [app], logger: Logger(label: "fake-target")).run() }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw CancellationError() }
        return FakeTarget(port: port, stopped: stopped, box: box)
    }

    private let box: SeenBox
    private init(port: Int, stopped: StopFlag, box: SeenBox) {
        self.port = port
        self.stopped = stopped
        self.box = box
    }

    var received: [SeenRequest] { box.all }

    var url: String { "http://127.0.0.1:\(port)/metrics" }

    func stop() { stopped.set() }
}

final class SeenBox: Sendable {
    private let items = Mutex<[FakeTarget.SeenRequest]>([])
    func append(_ r: FakeTarget.SeenRequest) { items.withLock { $0.append(r) } }
    var all: [FakeTarget.SeenRequest] { items.withLock { $0 } }
}

/// A response with a body and headers.
func reply(_ status: HTTPResponse.Status = .ok, _ body: [UInt8], headers: [(String, String)] = []) -> Response {
    var fields = HTTPFields()
    for (k, v) in headers { fields[HTTPField.Name(k)!] = v }
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
}

/// gzip bytes of `text`, made by the system's gzip so the test does not trust our own code.
func gzipped(_ text: String) throws -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-c", "-1"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try p.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return [UInt8](data)
}

/// A one-way switch shared by a test server's handler and its owner.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
