import ArgumentParser
import Foundation
import KubernetesConformance

/// `lantern-conformance kubernetes DIR [--cases]`.
struct Kubernetes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Kubernetes service-discovery cases against a fake API server on 127.0.0.1.",
        discussion: "Prints one line per failing case, then 'N passed, M failed'. Exits 1 if any case failed."
    )

    @Argument(help: "The conformance folder, its kubernetes/ or its kubernetes/fixtures/ sub-folder.")
    var directory: String

    @Flag(help: "Print every case with its result.")
    var cases = false

    func run() async throws {
        let fixtures = KubernetesFixture.all(in: URL(fileURLWithPath: directory))
        guard !fixtures.isEmpty else { throw ValidationError("no Kubernetes fixtures under \(directory)") }
        var passed = 0, failed = 0
        for fixture in fixtures {
            let result = await KubernetesCaseRunner.run(fixture)
            if result.passed {
                passed += 1
                if cases { print("PASS \(result.name)") }
            } else {
                failed += 1
                print("FAIL \(result.name): \(result.failures.joined(separator: "; "))")
            }
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
