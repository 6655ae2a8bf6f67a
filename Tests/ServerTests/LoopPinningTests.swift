import Foundation
import Hummingbird
import Lifecycle
import Logging
import NIOPosix
import Testing
@testable import Server

/// Light look-ups and GET queries are answered on the connection's event loop (queries move off
/// it when large, see PlacementTests); everything else runs on Swift's cooperative pool, so a
/// long request never holds up the other connections of a loop.
@Suite(.timeLimit(.minutes(1)))
struct LoopPinningTests {
    @Test func lightLookUpsStayOnTheLoopAndTheRestLeavesIt() async throws {
        let router = Router()
        router.add(middleware: OffLoopMiddleware())
        let whereAmI: @Sendable (Request, BasicRequestContext) async throws -> String = { _, _ in
            // Hop through an actor and a sleep: a handler's continuation comes back to where it started.
            try await Task.sleep(for: .milliseconds(1))
            return MultiThreadedEventLoopGroup.currentEventLoop == nil ? "pool" : "loop"
        }
        for path in ["/api/v1/labels", "/api/v1/label/:name/values", "/api/v1/query", "/api/v1/series", "/-/healthy"] {
            router.get(RouterPath(path), use: whereAmI)
            router.post(RouterPath(path), use: whereAmI)
        }
        var logger = Logger(label: "pinning")
        logger.logLevel = .critical
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, server: WebAccess.plain,
                              configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                              onServerRunning: { sink.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let server = Task { try await GracefulServiceGroup(services: [app], logger: logger).run() }
        defer { server.cancel() }
        var it = ports.makeAsyncIterator()
        let port = try #require(await it.next())
        func get(_ path: String, _ method: String = "GET") async throws -> String {
            try await LoopbackHTTP.request(method, port: port, path: path).body
        }
        #expect(try await get("/api/v1/labels") == "loop")
        #expect(try await get("/api/v1/label/job/values") == "loop")
        #expect(try await get("/-/healthy") == "loop")
        #expect(try await get("/api/v1/label/job/values?match[]=up") == "pool", "a match[] may select every series")
        #expect(try await get("/api/v1/labels", "POST") == "pool", "a form body may carry match[]")
        // Queries and series stay too: their handlers leave the loop when the work is large
        // (QueryAPI.placed, PlacementTests); a POST leaves at once.
        #expect(try await get("/api/v1/query?query=up") == "loop")
        #expect(try await get("/api/v1/series?match[]=up") == "loop")
        #expect(try await get("/api/v1/query", "POST") == "pool")
    }
}
