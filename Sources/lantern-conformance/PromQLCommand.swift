import ArgumentParser
import Foundation
import Query

/// `lantern-conformance promql DIR [--cases]`.
struct PromQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promql",
        abstract: "Run the PromQL test scripts.",
        discussion: "Prints counts per file and 'N passed, M failed, K skipped'; with --cases one line per eval: '<file>:<line> pass|fail|skip <reason>'. Exits 1 if any eval failed."
    )

    @Argument(help: "The conformance folder, or its promql/ sub-folder.")
    var directory: String

    @Flag(help: "Print one line per eval.")
    var cases = false

    func run() throws {
        let report = try PromQLConformance.run(directory: directory)
        print(report.render(cases: cases), terminator: "")
        if report.failed > 0 { throw ExitCode(1) }
    }
}
