import Config
import Foundation
import KubernetesConformance
import Model
import Testing
@testable import Discovery

/// Watch robustness (issue 4): broken streams, server errors, expired versions, rotated
/// credentials and a server that is not there yet. Each ends with the right target groups.
@Suite(.timeLimit(.minutes(1)))
struct KubernetesWatchRobustnessTests {
    static let nodes = "/api/v1/nodes"

    static func node(_ name: String, _ ip: String, rv: Int) -> String {
        #"{"metadata":{"name":"\#(name)","resourceVersion":"\#(rv)"},"status":{"addresses":[{"type":"InternalIP","address":"\#(ip)"}]}}"#
    }

    static func list(rv: Int, _ items: String...) -> Data {
        Data(#"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"\#(rv)"},"items":[\#(items.joined(separator: ","))]}"#.utf8)
    }

    static func event(_ type: String, _ object: String) -> Data { Data(#"{"type":"\#(type)","object":\#(object)}"#.utf8) }

    /// Node name → address, for non-empty groups.
    static func addresses(_ groups: [String: TargetGroup]) -> [String: String] {
        var out: [String: String] = [:]
        for (source, g) in groups { if let a = g.targets.first?[LabelName.address] { out[source] = a } }
        return out
    }

    func config(_ server: String, extra: String = "") throws -> KubernetesSDConfig {
        try KubernetesCaseRunner.parseConfig("api_server: \(server)\nrole: node\n\(extra)")
    }

    /// Half a JSON line, then the connection closes: the informer counts a failure and re-watches
    /// from the last complete event's version; the event is delivered again on the new stream.
    @Test func streamDroppedMidEvent() async throws {
        let c = Self.node("c", "10.0.0.3", rv: 12)
        let added = Self.event("ADDED", c)
        let server = KubernetesFakeAPIServer(
            collections: [Self.nodes: .init(lists: [Self.list(rv: 10, Self.node("a", "10.0.0.1", rv: 10))])],
            script: [Self.nodes: [
                0: [.event(Self.event("ADDED", Self.node("b", "10.0.0.2", rv: 11)), errorCode: nil), .partial(added.prefix(added.count / 2))],
                1: [.event(added, errorCode: nil), .event(Self.event("DELETED", Self.node("a", "10.0.0.1", rv: 13)), errorCode: nil)],
            ]],
            totalLines: 4)
        try await server.start()
        let metrics = KubernetesSDMetrics()
        let run = try await KubernetesCaseRunner.discover(try config(server.baseURL), server: server, metrics: metrics,
                                                          until: { Self.addresses($0) == ["node/b": "10.0.0.2:0", "node/c": "10.0.0.3:0"] })
        await server.stop()
        #expect(!run.timedOut)
        #expect(Self.addresses(run.groups) == ["node/b": "10.0.0.2:0", "node/c": "10.0.0.3:0"])
        #expect(run.groups["node/a"]?.targets.isEmpty == true, "the deleted node's group is emptied")
        let watches = server.requests.filter(\.isWatch)
        #expect(watches.count >= 2)
        #expect(watches.dropFirst().first?.query["resourceVersion"] == "11", "re-watch from the last complete event")
        #expect(server.requests.filter { !$0.isWatch }.count == 1, "a broken stream needs no relist")
        #expect(metrics.counts(for: .node).failures >= 1)
    }

    /// Lists and the first watch answer 500; the informer backs off and recovers.
    @Test func serverErrorsThenRecovery() async throws {
        let status = Data(#"{"kind":"Status","code":500,"message":"etcd unavailable"}"#.utf8)
        let server = KubernetesFakeAPIServer(
            collections: [Self.nodes: .init(lists: [Self.list(rv: 10, Self.node("a", "10.0.0.1", rv: 10))])],
            script: [Self.nodes: [
                0: [.status(500, status)],
                1: [.event(Self.event("MODIFIED", Self.node("a", "10.0.0.9", rv: 11)), errorCode: nil)],
            ]],
            totalLines: 2)
        server.failLists(path: Self.nodes, count: 2)
        try await server.start()
        let metrics = KubernetesSDMetrics()
        let run = try await KubernetesCaseRunner.discover(try config(server.baseURL), server: server, metrics: metrics,
                                                          until: { Self.addresses($0) == ["node/a": "10.0.0.9:0"] })
        await server.stop()
        #expect(!run.timedOut)
        #expect(Self.addresses(run.groups) == ["node/a": "10.0.0.9:0"])
        #expect(metrics.counts(for: .node).failures == 3)
        #expect(server.requests.filter { !$0.isWatch }.count == 3, "two failed lists, then one good one")
    }

    /// HTTP 410 on the watch: relist (the server now has a newer list), vanished objects are
    /// removed, and the next watch starts at the new list's version.
    @Test func goneRelists() async throws {
        let gone = Data(#"{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}"#.utf8)
        let server = KubernetesFakeAPIServer(
            collections: [Self.nodes: .init(lists: [
                Self.list(rv: 10, Self.node("a", "10.0.0.1", rv: 10), Self.node("b", "10.0.0.2", rv: 10)),
                Self.list(rv: 20, Self.node("b", "10.0.0.2", rv: 10), Self.node("c", "10.0.0.3", rv: 20)),
            ])],
            script: [Self.nodes: [
                0: [.status(410, gone)],
                1: [.event(Self.event("MODIFIED", Self.node("c", "10.0.0.33", rv: 21)), errorCode: nil)],
            ]],
            totalLines: 2)
        try await server.start()
        let metrics = KubernetesSDMetrics()
        let run = try await KubernetesCaseRunner.discover(try config(server.baseURL), server: server, metrics: metrics,
                                                          until: { Self.addresses($0) == ["node/b": "10.0.0.2:0", "node/c": "10.0.0.33:0"] })
        await server.stop()
        #expect(Self.addresses(run.groups) == ["node/b": "10.0.0.2:0", "node/c": "10.0.0.33:0"])
        #expect(run.groups["node/a"]?.targets.isEmpty == true)
        #expect(server.requests.filter(\.isWatch).last?.query["resourceVersion"] == "20")
        #expect(metrics.counts(for: .node).relists == 1)
    }

    /// The token file changes between requests (as a projected service-account token does):
    /// the next request carries the new token; the server refuses the old one from then on.
    @Test func tokenRotatedInTheTokenFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-k8s-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokenFile = dir.appendingPathComponent("token")
        try "first-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let server = KubernetesFakeAPIServer(
            collections: [Self.nodes: .init(lists: [Self.list(rv: 10, Self.node("a", "10.0.0.1", rv: 10))])],
            script: [Self.nodes: [1: [.event(Self.event("ADDED", Self.node("b", "10.0.0.2", rv: 11)), errorCode: nil)]]])
        server.requiredAuthorization = "Bearer first-token"
        try await server.start()
        let session = KubernetesDiscoverySession(config: try config(server.baseURL, extra: "authorization: {credentials_file: \(tokenFile.path)}"))
        #expect(await session.wait { $0["node/a"] != nil })
        try "second-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        server.requiredAuthorization = "Bearer second-token"
        server.closeWatch(path: Self.nodes)
        let ok = await session.wait { Self.addresses($0) == ["node/a": "10.0.0.1:0", "node/b": "10.0.0.2:0"] }
        let groups = await session.stop()
        await server.stop()
        #expect(ok, "groups: \(Self.addresses(groups))")
        let tokens = server.requests.map { $0.headers["authorization"] ?? "" }
        #expect(tokens.first == "Bearer first-token")
        #expect(tokens.last == "Bearer second-token")
        #expect(Set(tokens) == ["Bearer first-token", "Bearer second-token"])
    }

    /// Nothing listens on the API server's port at first: the discoverer retries with back-off,
    /// sends nothing meanwhile, and picks the state up once the server comes up.
    @Test func apiServerDownAtStart() async throws {
        let port = LoopbackPort.free()
        let metrics = KubernetesSDMetrics()
        let session = KubernetesDiscoverySession(config: try config("http://127.0.0.1:\(port)"), metrics: metrics)
        #expect(await eventually { metrics.counts(for: .node).failures >= 2 })
        #expect(session.updateCount == 0)
        let server = KubernetesFakeAPIServer(
            collections: [Self.nodes: .init(lists: [Self.list(rv: 10, Self.node("a", "10.0.0.1", rv: 10))])])
        try await server.start(port: port)
        let ok = await session.wait { Self.addresses($0) == ["node/a": "10.0.0.1:0"] }
        let groups = await session.stop()
        await server.stop()
        #expect(ok, "groups: \(Self.addresses(groups))")
    }
}
