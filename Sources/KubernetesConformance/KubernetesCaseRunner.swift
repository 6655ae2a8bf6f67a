public import Config
public import Discovery
public import Foundation
public import Model

/// Runs Kubernetes SD conformance cases (README "Running a case") against `KubernetesDiscoverer`
/// and a `KubernetesFakeAPIServer`; shared by the swift-testing suite and `lantern-conformance
/// kubernetes`. Failures come back as text, one entry per mismatch, so callers decide how to report.
public enum KubernetesCaseRunner {
    /// The newest group per source a discoverer emitted.
    public struct Run: Sendable {
        public var groups: [String: TargetGroup]
        /// The output never went quiet after all scripted traffic before the deadline.
        public var timedOut: Bool
    }

    /// The outcome of one fixture.
    public struct CaseResult: Sendable {
        public var name: String
        public var failures: [String]
        public var passed: Bool { failures.isEmpty }
    }

    /// Options the harness runs discoverers with: short back-off, a recognizable user agent.
    public static var testOptions: KubernetesDiscoverer.Options {
        var options = KubernetesDiscoverer.Options()
        options.backoff = BackoffPolicy(initial: .milliseconds(50), maximum: .milliseconds(200))
        options.userAgent = "lantern/test"
        return options
    }

    /// Plays one fixture: fake server, discoverer, comparison of groups and requests.
    public static func run(_ fixture: KubernetesFixture) async -> CaseResult {
        do {
            let (steps, lines) = try fixture.script()
            let server = KubernetesFakeAPIServer(collections: try fixture.collections(), script: steps, totalLines: lines)
            try await server.start()
            let config = try parseConfig(fixture.configYAML(apiServer: server.baseURL))
            let expected = try fixture.expected()
            // Wait for the expected groups (or the deadline), not only for a quiet period: on a
            // loaded machine the discoverer may lag the server by more than the quiet window.
            let run = try await discover(config, server: server) { groups in compareGroups(expected.groups, groups).isEmpty }
            await server.stop()
            var failures: [String] = []
            if run.timedOut { failures.append("discoverer never reached the expected groups after all scripted traffic") }
            failures += compareGroups(expected.groups, run.groups)
            failures += checkRequests(server.requests, expected: expected, collections: try fixture.collections(),
                                      firstVersions: try fixture.firstListVersions())
            return CaseResult(name: fixture.name, failures: failures)
        } catch {
            return CaseResult(name: fixture.name, failures: ["\(error)"])
        }
    }

    /// Starts the discoverer; returns once the output has been quiet for `quiet` after all
    /// scripted lines went out (or after `timeout`).
    /// - Parameter until: an extra condition on the groups that must hold before the run counts as quiet.
    public static func discover(_ config: KubernetesSDConfig, server: KubernetesFakeAPIServer,
                                metrics: KubernetesSDMetrics = KubernetesSDMetrics(), options: KubernetesDiscoverer.Options = testOptions,
                                quiet: Duration = .milliseconds(500), timeout: Duration = .seconds(15),
                                until: @Sendable ([String: TargetGroup]) -> Bool = { _ in true }) async throws -> Run {
        let session = KubernetesDiscoverySession(config: config, metrics: metrics, options: options)
        let deadline = ContinuousClock.now + timeout
        var timedOut = true
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            guard let written = server.allWrittenAt, let last = session.lastUpdate else { continue }
            if ContinuousClock.now - max(written, last) >= quiet, until(session.groups) { timedOut = false; break }
        }
        return Run(groups: await session.stop(), timedOut: timedOut)
    }

    /// Parses a bare `kubernetes_sd_config` mapping through the real configuration loader.
    public static func parseConfig(_ yaml: String) throws -> KubernetesSDConfig {
        let indented = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        let doc = "scrape_configs:\n- job_name: k8s\n  kubernetes_sd_configs:\n  -\n\(indented)\n"
        let config = try ConfigLoader.parse(yaml: doc, baseDirectory: "/")
        guard let sd = config.scrapeConfigs.first?.kubernetesSDConfigs.first else {
            throw CocoaError(.coderValueNotFound, userInfo: [NSDebugDescriptionErrorKey: "no kubernetes_sd_config parsed"])
        }
        return sd
    }

    /// Label sets compared after dropping empty values; targets as multisets.
    public static func compareGroups(_ expected: [KubernetesFixture.Group], _ actual: [String: TargetGroup]) -> [String] {
        func clean(_ d: [String: String]) -> [String: String] { d.filter { !$0.value.isEmpty } }
        func canonical(_ targets: [[String: String]]) -> [String] {
            targets.map { t in clean(t).sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted($0.value))" }.joined(separator: ",") }.sorted()
        }
        var failures: [String] = []
        let want = Dictionary(expected.map { ($0.source, $0) }, uniquingKeysWith: { $1 })
        if Set(actual.keys) != Set(want.keys) {
            failures.append("sources differ: missing \(Set(want.keys).subtracting(actual.keys).sorted()) extra \(Set(actual.keys).subtracting(want.keys).sorted())")
        }
        for (source, e) in want.sorted(by: { $0.key < $1.key }) {
            guard let a = actual[source] else { continue }
            if clean(a.labels.dictionary) != clean(e.labels) { failures.append("group labels of \(source): got \(clean(a.labels.dictionary)), want \(clean(e.labels))") }
            let got = canonical(a.targets.map(\.dictionary)), exp = canonical(e.targets)
            if got != exp {
                let missing = exp.filter { !got.contains($0) }, extra = got.filter { !exp.contains($0) }
                failures.append("targets of \(source): missing \(missing) extra \(extra) (counts \(exp.count) vs \(got.count))")
            }
        }
        return failures
    }

    /// Checks `requests`, `forbidden_paths`, `request_headers`, per-path queries and watch start versions.
    public static func checkRequests(_ log: [KubernetesFakeAPIServer.RecordedRequest], expected: KubernetesFixture.Expected,
                                     collections: [String: KubernetesFakeAPIServer.Collection], firstVersions: [String: String]) -> [String] {
        var failures: [String] = []
        for r in expected.requests {
            let onPath = log.filter { req in req.path == r.path && r.query.allSatisfy { k, v in req.query[k] == v } }
            if r.list, !onPath.contains(where: { !$0.isWatch }) { failures.append("no list request for \(r.path) with \(r.query)") }
            if r.watch, !onPath.contains(where: \.isWatch) { failures.append("no watch request for \(r.path) with \(r.query)") }
        }
        for req in log {
            if expected.forbiddenPaths.contains(req.path) { failures.append("forbidden path requested: \(req.path)") }
            for (k, v) in collections[req.path]?.query ?? [:] where req.query[k] != v {
                failures.append("\(req.path): query \(k)=\(req.query[k] ?? "nil"), want \(v)")
            }
            for (k, v) in expected.requestHeaders where req.headers[k.lowercased()] != v {
                failures.append("\(req.path): header \(k)=\(req.headers[k.lowercased()] ?? "nil")")
            }
            if req.query["sendInitialEvents"] != nil { failures.append("\(req.path): sendInitialEvents must not be sent") }
            if req.headers["accept"] != "application/json" { failures.append("\(req.path): Accept \(req.headers["accept"] ?? "nil")") }
        }
        // Watch 0 of each path starts at the first list's resourceVersion.
        for (path, rv) in firstVersions.sorted(by: { $0.key < $1.key }) {
            if let first = log.first(where: { $0.path == path && $0.isWatch }), first.query["resourceVersion"] != rv {
                failures.append("first watch of \(path) at \(first.query["resourceVersion"] ?? "nil"), want \(rv)")
            }
        }
        return failures
    }
}
