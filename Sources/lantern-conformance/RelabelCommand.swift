import ArgumentParser
import Foundation
import Scrape

/// `lantern-conformance relabel DIR [--cases]`.
struct Relabel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the relabeling and target-building cases.",
        discussion: "Prints one line per failing case, then 'N passed, M failed'. Exits 1 if any case failed."
    )

    @Argument(help: "The conformance folder, or its relabel/ sub-folder.")
    var directory: String

    @Flag(help: "Print every case with its result.")
    var cases = false

    func run() throws {
        let report = try RelabelConformance.run(directory: URL(fileURLWithPath: directory))
        for r in report.results where cases || !r.passed {
            print("\(r.passed ? "PASS" : "FAIL") \(r.file) \(r.name)\(r.passed ? "" : ": \(r.detail)")")
        }
        print(report.summary)
        if report.failed > 0 { throw ExitCode(1) }
    }
}
