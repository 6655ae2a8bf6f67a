import Config
import Foundation
import KubernetesConformance
import Logging
import Model
import Testing
@testable import Discovery

/// Runs every Kubernetes SD conformance fixture against the fake API server (README "Running a
/// case"), through the same harness as `lantern-conformance kubernetes`.
@Suite struct KubernetesTests {
    /// The corpus root: `LANTERN_CONFORMANCE_DIR`, else `<repo>/../shared/conformance`.
    static var corpusRoot: URL {
        if let dir = ProcessInfo.processInfo.environment["LANTERN_CONFORMANCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    }

    static let fixtures = KubernetesFixture.all(in: corpusRoot)

    @Test func corpusIsPresent() {
        #expect(!Self.fixtures.isEmpty, "no fixtures under \(Self.corpusRoot.path)")
    }

    @Test(.timeLimit(.minutes(1)), arguments: fixtures)
    func fixture(_ fixture: KubernetesFixture) async throws {
        let result = await KubernetesCaseRunner.run(fixture)
        for failure in result.failures { Issue.record("\(fixture.name): \(failure)") }
    }

    /// See `KubernetesCaseRunner.discover`.
    static func discover(_ config: KubernetesSDConfig, server: KubernetesFakeAPIServer,
                         metrics: KubernetesSDMetrics = KubernetesSDMetrics()) async throws -> KubernetesCaseRunner.Run {
        try await KubernetesCaseRunner.discover(config, server: server, metrics: metrics)
    }

    static func parseConfig(_ yaml: String) throws -> KubernetesSDConfig { try KubernetesCaseRunner.parseConfig(yaml) }
}
