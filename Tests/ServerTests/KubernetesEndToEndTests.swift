import Foundation
import HTTPTypes
import Hummingbird
import KubernetesConformance
import Lifecycle
import Logging
import Model
import NIOCore
import Server
import Storage
import Testing

/// A metrics endpoint on 127.0.0.1 at its own port (pods and nodes differ by port).
private struct MetricsEndpoint {
    let port: Int
    let task: Task<Void, any Error>

    static func start(body: String) async throws -> MetricsEndpoint {
        let router = Router()
        router.get("/metrics") { _, _ in
            var fields = HTTPFields()
            fields[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        var logger = Logger(label: "metrics")
        logger.logLevel = .critical
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                              onServerRunning: { sink.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let group = GracefulServiceGroup(services: [app], maximumGracefulShutdownDuration: .seconds(5), logger: logger)
        let task = Task { try await group.run() }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw CancellationError() }
        return MetricsEndpoint(port: port, task: task)
    }
}

/// `lantern serve` with `kubernetes_sd_configs` against the fake API server: pods and a node on
/// 127.0.0.x, Prometheus's usual annotation-driven relabeling, samples stored with the relabeled
/// labels, and a pod deletion that stops its loop with staleness markers.
@Suite(.timeLimit(.minutes(1)))
struct KubernetesEndToEndTests {
    static func pod(_ name: String, ns: String, ip: String, scrapePort: Int?, rv: Int) -> String {
        let annotations = scrapePort.map { #""prometheus.io/scrape":"true","prometheus.io/port":"\#($0)""# } ?? ""
        return #"""
        {"metadata":{"name":"\#(name)","namespace":"\#(ns)","uid":"uid-\#(name)","resourceVersion":"\#(rv)","labels":{"app":"web","tier":"front"},"annotations":{\#(annotations)}},"spec":{"nodeName":"n1","containers":[{"name":"app","image":"img","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}]}]},"status":{"phase":"Running","podIP":"\#(ip)","hostIP":"127.0.0.1","conditions":[{"type":"Ready","status":"True"}]}}
        """#
    }

    @Test func scrapesDiscoveredPodsAndNodesAndStalesADeletedPod() async throws {
        let body = "# TYPE demo_requests_total counter\ndemo_requests_total 42\n"
        let a = try await MetricsEndpoint.start(body: body)
        let b = try await MetricsEndpoint.start(body: body)
        let kubelet = try await MetricsEndpoint.start(body: "kubelet_running_pods 2\n")
        // Cancelling shuts each endpoint down gracefully, even while `lantern serve` still scrapes it.
        defer { for e in [a, b, kubelet] { e.task.cancel() } }
        let podB = Self.pod("web-b", ns: "shop", ip: "127.0.0.1", scrapePort: b.port, rv: 11)
        let pods = [Self.pod("web-a", ns: "shop", ip: "127.0.0.1", scrapePort: a.port, rv: 10), podB,
                    Self.pod("batch-c", ns: "jobs", ip: "127.0.0.1", scrapePort: nil, rv: 12)]
        let node = #"{"metadata":{"name":"n1","resourceVersion":"5","labels":{"zone":"z1"}},"status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":\#(kubelet.port)}}}}"#
        let api = KubernetesFakeAPIServer(collections: [
            "/api/v1/pods": .init(lists: [Data(#"{"kind":"PodList","metadata":{"resourceVersion":"20"},"items":[\#(pods.joined(separator: ","))]}"#.utf8)]),
            "/api/v1/nodes": .init(lists: [Data(#"{"kind":"NodeList","metadata":{"resourceVersion":"20"},"items":[\#(node)]}"#.utf8)]),
        ])
        try await api.start()

        let dir = try makeTemporaryDirectory()
        let port = try freePort()
        try """
        global: {scrape_interval: 200ms, scrape_timeout: 200ms}
        scrape_configs:
          - job_name: kubernetes-pods
            kubernetes_sd_configs: [{api_server: "\(api.baseURL)", role: pod}]
            relabel_configs:
              - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
                action: keep
                regex: "true"
              - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
                regex: '([^:]+)(?::\\d+)?;(\\d+)'
                replacement: $1:$2
                target_label: __address__
              - action: labelmap
                regex: __meta_kubernetes_pod_label_(.+)
              - source_labels: [__meta_kubernetes_namespace]
                target_label: namespace
              - source_labels: [__meta_kubernetes_pod_name]
                target_label: pod
          - job_name: kubernetes-nodes
            kubernetes_sd_configs: [{api_server: "\(api.baseURL)", role: node}]
            relabel_configs:
              - action: labelmap
                regex: __meta_kubernetes_node_label_(.+)
        """.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let lantern = try LanternProcess(
            ["serve", "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:\(port)", "--storage.path=data"], directory: dir)
        #expect(await lantern.waitForPort() == port, "log:\n\(lantern.logText)")

        let db = dir.appendingPathComponent("data/lantern.db").path
        func select(_ matchers: Matcher...) async throws -> [Series] {
            let reader = try await SQLiteStorage.openReadOnly(path: db)
            let q = try await reader.querier(mint: .min, maxt: .max)
            let set = try await q.select(matchers: matchers)
            await q.close()
            try await reader.close()
            return set.series
        }
        let demo = try Matcher(.equal, "__name__", "demo_requests_total")
        let scraped = await eventually(timeout: .seconds(20)) {
            let s = (try? await select(demo)) ?? []
            return s.count == 2 && s.allSatisfy { $0.allSamples().count >= 2 }
        }
        #expect(scraped, "log:\n\(lantern.logText)")
        let series = try await select(demo)
        let byPod = Dictionary(series.map { ($0.labels["pod"] ?? "", $0.labels) }, uniquingKeysWith: { x, _ in x })
        #expect(Set(byPod.keys) == ["web-a", "web-b"], "the pod without the scrape annotation is dropped")
        let la = try #require(byPod["web-a"])
        #expect(la["instance"] == "127.0.0.1:\(a.port)")
        #expect(la["job"] == "kubernetes-pods")
        #expect(la["namespace"] == "shop")
        #expect(la["app"] == "web" && la["tier"] == "front")
        #expect(byPod["web-b"]?["instance"] == "127.0.0.1:\(b.port)")
        let kubeletUp = await eventually { ((try? await select(Matcher(.equal, "__name__", "kubelet_running_pods"))) ?? []).first?.labels["zone"] == "z1" }
        #expect(kubeletUp, "the node target is scraped with its labels")
        let nodeLabels = try await select(Matcher(.equal, "__name__", "kubelet_running_pods")).first?.labels
        // The node role sets `instance` to the node name (as Prometheus does); the address is InternalIP:kubelet port.
        #expect(nodeLabels?["instance"] == "n1", "\(String(describing: nodeLabels))")

        // The targets API shows both mechanisms' discovered labels.
        let targets = try await LoopbackHTTP.request(port: port, path: "/api/v1/targets")
        let data = try #require((try JSONSerialization.jsonObject(with: Data(targets.body.utf8)) as? [String: Any])?["data"] as? [String: Any])
        let active = data["activeTargets"] as? [[String: Any]] ?? []
        let dropped = data["droppedTargets"] as? [[String: Any]] ?? []
        #expect(active.count == 3)
        #expect(active.contains { ($0["scrapeUrl"] as? String) == "http://127.0.0.1:\(kubelet.port)/metrics" })
        #expect(dropped.contains { ($0["discoveredLabels"] as? [String: String])?["__meta_kubernetes_pod_name"] == "batch-c" })

        // A deletion event stops the pod's loop; its series end with staleness markers.
        api.emit(path: "/api/v1/pods", Data(#"{"type":"DELETED","object":\#(podB)}"#.utf8))
        let staled = await eventually(timeout: .seconds(15)) {
            let s = (try? await select(demo, Matcher(.equal, "pod", "web-b"))) ?? []
            return s.first?.allSamples().last?.v.isStaleMarker == true
        }
        #expect(staled, "log:\n\(lantern.logText)")
        let up = try await select(Matcher(.equal, "__name__", "up"), Matcher(.equal, "pod", "web-b"))
        #expect(up.first?.allSamples().last?.v.isStaleMarker == true)
        let stillA = try await select(demo, Matcher(.equal, "pod", "web-a")).first?.allSamples().last?.v
        #expect(stillA == 42, "the other pod keeps being scraped")

        // Discovery requests identify the server and version.
        #expect(api.requests.allSatisfy { $0.headers["user-agent"] == "lantern/\(BuildInfo.version)" }, "\(api.requests.first?.headers["user-agent"] ?? "none")")

        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0)
        await api.stop()
    }
}
