import Config
import Foundation
import HTTPTypes
import Hummingbird
import Lifecycle
import Logging
import Model
import NIOCore
import KubernetesConformance
import Testing
@testable import Discovery

extension KubernetesTests {
    /// Pieces the conformance corpus does not reach: chunking, credentials, set-up, metrics.
    @Suite struct Units {
        @Test(arguments: [
            ("app.kubernetes.io/name", "app_kubernetes_io_name"), ("example.com/Team-Name", "example_com_Team_Name"),
            ("ünïcode", "_n_code"), ("plain_1", "plain_1"),
        ])
        func sanitize(_ input: String, _ output: String) {
            #expect(MetaLabels.sanitize(input) == output)
        }

        @Test func tlsHostMatching() {
            #expect(IngressRole.matches(tlsHost: "*.example.com", host: "shop.example.com"))
            #expect(!IngressRole.matches(tlsHost: "*.example.com", host: "a.shop.example.com"))
            #expect(!IngressRole.matches(tlsHost: "*.example.com", host: "example.com"))
            #expect(IngressRole.matches(tlsHost: "exact.io", host: "exact.io"))
        }

        @Test func joinBracketsIPv6() {
            #expect(MetaLabels.join("fd00::1", 10250) == "[fd00::1]:10250")
            #expect(MetaLabels.join("10.0.0.1", 80) == "10.0.0.1:80")
        }

        /// Events split anywhere across chunks, several events per chunk, and a last line without "\n".
        @Test(.timeLimit(.minutes(1))) func watchEventsIgnoreChunkBoundaries() async throws {
            let events = (1...5).map { #"{"type":"ADDED","object":{"metadata":{"name":"n\#($0)","resourceVersion":"\#($0)"}}}"# }
            let bytes = Array((events.joined(separator: "\n")).utf8)
            let router = Router()
            router.get("**") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    var i = 0
                    for size in [7, 150, 1, 33].cycled(until: bytes.count) where i < bytes.count {
                        try await writer.write(ByteBuffer(bytes: bytes[i..<min(i + size, bytes.count)]))
                        i += size
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    try await writer.finish(nil)
                })
            }
            let (app, port) = try await startApp(router)
            defer { app.cancel() }
            let client = KubernetesClient(connection: APIConnection(baseURL: "http://127.0.0.1:\(port)"), userAgent: "t", driver: .shared)
            var names: [String] = []
            for try await e in client.watch(.init(path: "/api/v1/nodes"), resourceVersion: "0", timeoutSeconds: 5) {
                names.append(e.object.name)
            }
            #expect(names == ["n1", "n2", "n3", "n4", "n5"])
        }

        @Test func kubeconfigCurrentContext() throws {
            let dir = try temporaryDirectory()
            let yaml = """
            apiVersion: v1
            kind: Config
            current-context: prod
            contexts:
            - name: dev
              context: {cluster: dev, user: dev}
            - name: prod
              context: {cluster: prod, user: admin}
            clusters:
            - name: dev
              cluster: {server: "https://dev:6443"}
            - name: prod
              cluster:
                server: https://prod.example:6443/
                certificate-authority-data: \(Data("CA PEM".utf8).base64EncodedString())
            users:
            - name: dev
              user: {token: devtoken}
            - name: admin
              user:
                client-certificate: certs/admin.crt
                client-key-data: \(Data("KEY PEM".utf8).base64EncodedString())
                token: prodtoken
            """
            let path = dir + "/kubeconfig"
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let c = try KubeConfig.load(path: path).connection()
            #expect(c.baseURL == "https://prod.example:6443")
            #expect(c.tls.caPEM == Array("CA PEM".utf8))
            #expect(c.tls.keyPEM == Array("KEY PEM".utf8))
            #expect(c.tls.certFile == dir + "/certs/admin.crt")
            #expect(try c.credentials().header == "Bearer prodtoken")
        }

        @Test func inClusterSetUp() throws {
            let dir = try temporaryDirectory()
            try "tok-1\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
            try "monitoring\n".write(toFile: dir + "/namespace", atomically: true, encoding: .utf8)
            let env = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"]
            let c = try APIConnection.inCluster(environment: env, directory: dir)
            #expect(c.baseURL == "https://[fd00::1]:443")
            #expect(c.tls.caFile == dir + "/ca.crt")
            #expect(try c.credentials().header == "Bearer tok-1")
            // Projected tokens rotate: the file is read again for every request.
            try "tok-2".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
            #expect(try c.credentials().header == "Bearer tok-2")
            #expect(try APIConnection.ownNamespace(directory: dir) == "monitoring")
            #expect(throws: KubernetesError.self) { try APIConnection.inCluster(environment: [:], directory: dir) }
            try "".write(toFile: dir + "/namespace", atomically: true, encoding: .utf8)
            #expect(throws: KubernetesError.self) { try APIConnection.ownNamespace(directory: dir) }
        }

        /// Basic auth on list and watch; failures, watch restarts and relists are counted.
        @Test(.timeLimit(.minutes(1))) func basicAuthAndMetrics() async throws {
            let list = #"{"kind":"NodeList","metadata":{"resourceVersion":"10"},"items":[{"metadata":{"name":"a"},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"}]}}]}"#
            let status500 = #"{"kind":"Status","code":500,"message":"boom"}"#
            let expired = #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}}"#
            let server = KubernetesFakeAPIServer(
                collections: ["/api/v1/nodes": .init(query: [:], lists: [Data(list.utf8), Data(list.utf8)])],
                script: ["/api/v1/nodes": [0: [.status(500, Data(status500.utf8))], 1: [.event(Data(expired.utf8), errorCode: 410)]]],
                totalLines: 2)
            try await server.start()
            let yaml = """
            api_server: \(server.baseURL)
            role: node
            basic_auth: {username: user, password: pass}
            """
            let metrics = KubernetesSDMetrics()
            let run = try await KubernetesTests.discover(KubernetesTests.parseConfig(yaml), server: server, metrics: metrics)
            await server.stop()
            #expect(run.groups["node/a"]?.targets.first?[LabelName.address] == "10.0.0.1:0")
            let requests = server.requests
            #expect(requests.count >= 4)
            #expect(requests.allSatisfy { $0.headers["authorization"] == "Basic " + Data("user:pass".utf8).base64EncodedString() })
            #expect(requests.allSatisfy { $0.headers["user-agent"] == "lantern/test" })
            let counts = metrics.counts(for: .node)
            #expect(counts.failures == 1)
            #expect(counts.relists == 1)
            #expect(counts.watchRestarts >= 2)
        }
    }
}

private extension Array where Element == Int {
    /// Repeats the sizes until they cover `total` bytes.
    func cycled(until total: Int) -> [Int] {
        var out: [Int] = []
        var sum = 0
        while sum < total { for s in self { out.append(s); sum += s } }
        return out
    }
}

private func startApp(_ router: Router<BasicRequestContext>) async throws -> (Task<Void, any Error>, Int) {
    let (ports, sink) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "k8s-unit")
    logger.logLevel = .critical
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                          onServerRunning: { sink.yield($0.localAddress?.port ?? 0) }, logger: logger)
    // Cancelling the task shuts the server down gracefully (no NIO trap on a late connection).
    let group = GracefulServiceGroup(services: [app], maximumGracefulShutdownDuration: .seconds(5), logger: logger)
    let task = Task { try await group.run() }
    var it = ports.makeAsyncIterator()
    guard let port = await it.next() else { throw CancellationError() }
    return (task, port)
}

private func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-k8s-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

extension KubernetesTests.Units {
    /// Auxiliary objects rebuild the groups that read them: a service label change, a pod phase
    /// change and a node label change all reach the endpoints group; a deleted service drops its labels.
    @Test(.timeLimit(.minutes(1))) func auxiliaryChangesRebuildDependentGroups() async throws {
        func list(_ kind: String, _ items: String) -> Data { Data(#"{"kind":"\#(kind)","metadata":{"resourceVersion":"1"},"items":[\#(items)]}"#.utf8) }
        func event(_ type: String, _ object: String) -> KubernetesFakeAPIServer.Step {
            .event(Data(#"{"type":"\#(type)","object":\#(object)}"#.utf8), errorCode: nil)
        }
        let endpoints = #"{"metadata":{"name":"web","namespace":"default"},"subsets":[{"addresses":[{"ip":"10.1.0.1","nodeName":"n1","targetRef":{"kind":"Pod","name":"web-0","namespace":"default"}}],"ports":[{"name":"http","port":80,"protocol":"TCP"}]}]}"#
        let service = { (team: String) in #"{"metadata":{"name":"web","namespace":"default","resourceVersion":"5","labels":{"team":"\#(team)"}}}"# }
        let pod = { (phase: String) in #"{"metadata":{"name":"web-0","namespace":"default","resourceVersion":"6"},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"i","ports":[{"containerPort":80,"protocol":"TCP"}]}]},"status":{"podIP":"10.1.0.1","phase":"\#(phase)"}}"# }
        let node = { (zone: String) in #"{"metadata":{"name":"n1","resourceVersion":"7","labels":{"zone":"\#(zone)"}}}"# }
        let server = KubernetesFakeAPIServer(
            collections: [
                "/api/v1/endpoints": .init(query: [:], lists: [list("EndpointsList", endpoints)]),
                "/api/v1/services": .init(query: [:], lists: [list("ServiceList", service("a"))]),
                "/api/v1/pods": .init(query: [:], lists: [list("PodList", pod("Pending"))]),
                "/api/v1/nodes": .init(query: [:], lists: [list("NodeList", node("z1"))]),
            ],
            script: [
                "/api/v1/services": [0: [event("MODIFIED", service("b")), event("DELETED", service("b"))]],
                "/api/v1/pods": [0: [event("MODIFIED", pod("Running"))]],
                "/api/v1/nodes": [0: [event("MODIFIED", node("z2"))]],
            ],
            totalLines: 4)
        try await server.start()
        let config = try KubernetesTests.parseConfig("api_server: \(server.baseURL)\nrole: endpoints\nattach_metadata: {node: true}")
        let run = try await KubernetesTests.discover(config, server: server)
        await server.stop()
        let group = try #require(run.groups["endpoints/default/web"])
        #expect(group.labels["__meta_kubernetes_service_name"] == nil)
        let target = try #require(group.targets.first)
        #expect(target["__meta_kubernetes_pod_phase"] == "Running")
        #expect(target["__meta_kubernetes_node_label_zone"] == "z2")
        #expect(group.targets.count == 1)
    }
}

extension KubernetesTests.Units {
    @Test func metricsFamilies() {
        let m = KubernetesSDMetrics()
        m.recordFailure(.pod)
        m.recordFailure(.pod)
        m.recordRelist(.node)
        let families = Dictionary(uniqueKeysWithValues: m.families().map { ($0.name, $0) })
        let failures = families["lantern_sd_kubernetes_failures_total"]?.samples ?? []
        #expect(failures.first { $0.labels["role"] == "pod" }?.value == 2)
        #expect(failures.first { $0.labels["role"] == "node" }?.value == 0)
        #expect(families["lantern_sd_kubernetes_relists_total"]?.samples.first { $0.labels["role"] == "node" }?.value == 1)
    }
}
