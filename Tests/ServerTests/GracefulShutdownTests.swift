import Foundation
import Hummingbird
import Lifecycle
import Logging
import Testing

/// Stopping an HTTP server while connections arrive must not take the process down.
/// Cancelling a Hummingbird server whose accept loop still holds a just-accepted connection
/// traps in SwiftNIO ("Deinited NIOAsyncWriter without calling finish()"); Lantern's servers
/// run in a `GracefulServiceGroup`, where cancellation means a graceful shutdown.
@Suite(.timeLimit(.minutes(1)))
struct GracefulShutdownTests {
    /// A burst of connections, then the server's task is cancelled at once, 20 times over. With
    /// plain cancellation this trapped the test process within a few rounds.
    @Test func cancellingDuringAConnectionBurstShutsDownGracefully() async throws {
        var logger = Logger(label: "graceful")
        logger.logLevel = .critical
        for round in 0..<20 {
            let (ports, sink) = AsyncStream<Int>.makeStream()
            let router = Router()
            router.get("**") { _, _ in "ok" }
            let app = Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                onServerRunning: { sink.yield($0.localAddress?.port ?? 0) },
                logger: logger
            )
            let server = Task { try await GracefulServiceGroup(services: [app], logger: logger).run() }
            var it = ports.makeAsyncIterator()
            let port = try #require(await it.next())
            var sockets: [Int32] = []
            for _ in 0..<64 {
                guard let fd = try? LoopbackHTTP.connectSocket(port: port) else { break }
                sockets.append(fd)
                _ = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            }
            server.cancel()
            let start = ContinuousClock.now
            try await server.value
            #expect(ContinuousClock.now - start < .seconds(5), "round \(round): shutdown took too long")
            #expect(!sockets.isEmpty)
            for fd in sockets { close(fd) }
        }
    }
}
