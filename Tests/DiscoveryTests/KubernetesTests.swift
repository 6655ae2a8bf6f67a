import Config
import Foundation
import Logging
import Model
import Synchronization
import Testing
@testable import Discovery

/// Runs every Kubernetes SD conformance fixture against a fake API server (README "Running a case").
@Suite struct KubernetesTests {
    static let fixtures = KubernetesFixture.all()

    @Test func corpusIsPresent() {
        #expect(!Self.fixtures.isEmpty, "no fixtures under \(KubernetesFixture.corpusRoot.path)")
    }

    @Test(.timeLimit(.minutes(1)), arguments: fixtures)
    func fixture(_ fixture: KubernetesFixture) async throws {
        let (steps, lines) = try fixture.script()
        let server = KubernetesFakeAPIServer(collections: try fixture.collections(), script: steps, totalLines: lines)
        try await server.start()
        let config = try Self.parseConfig(fixture.configYAML(apiServer: server.baseURL))
        let run = try await Self.discover(config, server: server)
        await server.stop()
        #expect(!run.timedOut, "discoverer never went quiet after all scripted traffic (\(fixture.name))")

        let expected = try fixture.expected()
        Self.compareGroups(expected.groups, run.groups)
        try Self.checkRequests(server.requests, expected: expected, collections: fixture.collections(),
                               firstVersions: fixture.firstListVersions())
    }

    struct Run {
        var groups: [String: TargetGroup]
        var timedOut: Bool
    }

    /// Starts the discoverer; returns once the output has been quiet for 500 ms after all
    /// scripted lines went out (or after 15 s).
    static func discover(_ config: KubernetesSDConfig, server: KubernetesFakeAPIServer,
                         metrics: KubernetesSDMetrics = KubernetesSDMetrics()) async throws -> Run {
        var options = KubernetesDiscoverer.Options()
        options.backoff = BackoffPolicy(initial: .milliseconds(50), maximum: .milliseconds(200))
        options.userAgent = "lantern/test"
        let discoverer = KubernetesDiscoverer(config: config, logger: Logger(label: "k8s-test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                              metrics: metrics, options: options)
        let (stream, sink) = AsyncStream<[TargetGroup]>.makeStream()
        let latest = Mutex<(groups: [String: TargetGroup], last: ContinuousClock.Instant?)>(([:], nil))
        let runner = Task { await discoverer.run(updates: sink); sink.finish() }
        let collector = Task {
            for await batch in stream {
                latest.withLock { state in
                    for g in batch { state.groups[g.source] = g }
                    state.last = .now
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(15)
        let quiet = Duration.milliseconds(500)
        var timedOut = true
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            guard let written = server.allWrittenAt, let last = latest.withLock({ $0.last }) else { continue }
            if ContinuousClock.now - max(written, last) >= quiet { timedOut = false; break }
        }
        runner.cancel()
        await runner.value
        await collector.value
        return Run(groups: latest.withLock { $0.groups }, timedOut: timedOut)
    }

    static func parseConfig(_ yaml: String) throws -> KubernetesSDConfig {
        let indented = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        let doc = "scrape_configs:\n- job_name: k8s\n  kubernetes_sd_configs:\n  -\n\(indented)\n"
        let config = try ConfigLoader.parse(yaml: doc, baseDirectory: "/")
        return try #require(config.scrapeConfigs.first?.kubernetesSDConfigs.first)
    }

    /// Label sets compared after dropping empty values; targets as multisets.
    static func compareGroups(_ expected: [KubernetesFixture.Group], _ actual: [String: TargetGroup]) {
        func clean(_ d: [String: String]) -> [String: String] { d.filter { !$0.value.isEmpty } }
        func clean(_ l: Labels) -> [String: String] { clean(l.dictionary) }
        func canonical(_ targets: [[String: String]]) -> [String] {
            targets.map { t in clean(t).sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted($0.value))" }.joined(separator: ",") }.sorted()
        }
        let want = Dictionary(expected.map { ($0.source, $0) }, uniquingKeysWith: { $1 })
        #expect(Set(actual.keys) == Set(want.keys), "sources differ")
        for (source, e) in want.sorted(by: { $0.key < $1.key }) {
            guard let a = actual[source] else { continue }
            #expect(clean(a.labels) == clean(e.labels), "group labels of \(source)")
            let got = canonical(a.targets.map(\.dictionary)), exp = canonical(e.targets)
            if got != exp {
                let missing = exp.filter { !got.contains($0) }, extra = got.filter { !exp.contains($0) }
                Issue.record("targets of \(source): missing \(missing) extra \(extra) (counts \(exp.count) vs \(got.count))")
            }
        }
    }

    static func checkRequests(_ log: [KubernetesFakeAPIServer.RecordedRequest], expected: KubernetesFixture.Expected,
                              collections: [String: KubernetesFakeAPIServer.Collection], firstVersions: [String: String]) {
        for r in expected.requests {
            let onPath = log.filter { req in req.path == r.path && r.query.allSatisfy { k, v in req.query[k] == v } }
            if r.list { #expect(onPath.contains { !$0.isWatch }, "no list request for \(r.path) with \(r.query)") }
            if r.watch { #expect(onPath.contains { $0.isWatch }, "no watch request for \(r.path) with \(r.query)") }
        }
        for req in log {
            #expect(!expected.forbiddenPaths.contains(req.path), "forbidden path requested: \(req.path)")
            for (k, v) in collections[req.path]?.query ?? [:] {
                #expect(req.query[k] == v, "\(req.path): query \(k)=\(req.query[k] ?? "nil"), want \(v)")
            }
            for (k, v) in expected.requestHeaders {
                #expect(req.headers[k.lowercased()] == v, "\(req.path): header \(k)=\(req.headers[k.lowercased()] ?? "nil")")
            }
            #expect(req.query["sendInitialEvents"] == nil, "sendInitialEvents must not be sent")
            #expect(req.headers["accept"] == "application/json")
        }
        // Watch 0 of each path starts at the first list's resourceVersion.
        for (path, rv) in firstVersions {
            if let first = log.first(where: { $0.path == path && $0.isWatch }) {
                #expect(first.query["resourceVersion"] == rv, "first watch of \(path) at \(first.query["resourceVersion"] ?? "nil"), want \(rv)")
            }
        }
    }
}
