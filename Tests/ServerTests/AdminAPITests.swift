import Foundation
import Logging
import Testing
@testable import Server

/// `--web.enable-admin-api` and `--web.enable-lifecycle`, in process.
@Suite(.timeLimit(.minutes(2)))
struct AdminAPITests {
    static let paths = ["/api/v1/admin/tsdb/delete_series?match[]=up", "/api/v1/admin/tsdb/clean_tombstones", "/api/v1/admin/tsdb/snapshot"]

    func start(_ edit: (inout ServerOptions) -> Void) async throws -> (Int, Task<Void, any Error>, URL) {
        let dir = try makeTemporaryDirectory()
        var options = ServerOptions()
        options.listenAddress = "127.0.0.1:0"
        options.storagePath = dir.appendingPathComponent("data").path
        edit(&options)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let server = LanternServer(options: options, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await server.run(onListening: { sink.yield($0) }) }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw CancellationError() }
        return (port, task, dir)
    }

    @Test func disabledAdminAndLifecycleAnswerLikePrometheus() async throws {
        let (port, task, _) = try await start { _ in }
        defer { task.cancel() }
        for path in Self.paths {
            for method in ["POST", "PUT"] {
                let r = try await LoopbackHTTP.request(method, port: port, path: path)
                #expect(r.status == 503, "\(method) \(path)")
                let json = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: String]
                #expect(json == ["status": "error", "errorType": "unavailable", "error": "admin APIs disabled"], "\(r.body)")
            }
        }
        for path in ["/-/reload", "/-/quit"] {
            let r = try await LoopbackHTTP.request("POST", port: port, path: path)
            #expect(r.status == 403)
            #expect(r.body == "Lifecycle API is not enabled.")
        }
    }

    @Test func enabledAdminAPISnapshotsAndDeletes() async throws {
        let (port, task, dir) = try await start { $0.enableAdminAPI = true; $0.enableLifecycle = true }
        defer { task.cancel() }
        let snap = try await LoopbackHTTP.request("POST", port: port, path: "/api/v1/admin/tsdb/snapshot")
        #expect(snap.status == 200, "\(snap.body)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(snap.body.utf8)) as? [String: Any])
        let name = try #require((json["data"] as? [String: String])?["name"])
        #expect(name.wholeMatch(of: /\d{8}T\d{6}Z-[0-9a-f]{16}/) != nil, "\(name)")
        let file = dir.appendingPathComponent("data/snapshots/\(name)/lantern.db").path
        #expect(FileManager.default.fileExists(atPath: file))
        let skip = try await LoopbackHTTP.request("PUT", port: port, path: "/api/v1/admin/tsdb/snapshot?skip_head=true")
        #expect(skip.status == 200)
        let badBool = try await LoopbackHTTP.request("POST", port: port, path: "/api/v1/admin/tsdb/snapshot?skip_head=maybe")
        #expect(badBool.status == 400)

        let noMatch = try await LoopbackHTTP.request("POST", port: port, path: "/api/v1/admin/tsdb/delete_series")
        #expect(noMatch.status == 400)
        #expect(noMatch.body.contains("no match[] parameter provided"))
        let badStart = try await LoopbackHTTP.request("POST", port: port, path: "/api/v1/admin/tsdb/delete_series?match[]=up&start=yesterday")
        #expect(badStart.status == 400)
        let deleted = try await LoopbackHTTP.request(
            "POST", port: port, path: "/api/v1/admin/tsdb/delete_series",
            body: Data("match[]=up&start=0&end=2000000000".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(deleted.status == 204, "\(deleted.body)")
        #expect(try await LoopbackHTTP.request("PUT", port: port, path: "/api/v1/admin/tsdb/clean_tombstones").status == 204)
        #expect(try await LoopbackHTTP.request("POST", port: port, path: "/-/reload").status == 200)
    }
}
