import ArgumentParser
import Foundation
import Scrape

/// `lantern-conformance`: runs Lantern's components against the shared conformance corpora.
@main
struct LanternConformance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lantern-conformance",
        abstract: "Run Lantern against the conformance corpora.",
        subcommands: [Exposition.self, Relabel.self, PromQL.self, Kubernetes.self, ParseBench.self]
    )
}

/// `lantern-conformance exposition DIR [--cases]`.
struct Exposition: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the exposition (text format / OpenMetrics) parser cases.",
        discussion: "Prints one line per failing case, then 'N passed, M failed[, K skipped]'. Exits 1 if any case failed."
    )

    @Argument(help: "The conformance folder, or its exposition/ sub-folder.")
    var directory: String

    @Flag(help: "Print every case with its result.")
    var cases = false

    func run() throws {
        let report = try ExpositionConformance.run(directory: URL(fileURLWithPath: directory))
        for result in report.results {
            let c = result.testCase
            switch result.outcome {
            case .passed:
                if cases { print("PASS \(c.name) [\(c.profile)]") }
            case let .failed(why):
                print("FAIL \(c.name) [\(c.profile)]: \(why)")
            case let .skipped(why):
                if cases { print("SKIP \(c.name) [\(c.profile)]: \(why)") }
            }
        }
        for p in report.countsByProfile {
            print("  \(p.profile): \(p.passed) passed, \(p.failed) failed, \(p.skipped) skipped")
        }
        let skipped = report.skipped > 0 ? ", \(report.skipped) skipped" : ""
        print("\(report.passed) passed, \(report.failed) failed\(skipped)")
        if report.failed > 0 { throw ExitCode(1) }
    }
}
