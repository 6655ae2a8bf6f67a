import Foundation
import Scrape
import Testing

/// A corpus case as a named test argument.
struct RelabelCaseResult: Sendable, CustomTestStringConvertible {
    let result: RelabelConformance.Result
    var testDescription: String { "\(result.file) \(result.name)" }
}

/// The relabel corpus (relabel/cases.json, targets.json, config_errors.json), one test
/// argument per case, through the same runner as `lantern-conformance relabel`.
@Suite struct RelabelConformanceTests {
    static let report = try? RelabelConformance.run(directory: Conformance.directory)

    @Test func corpusIsPresent() throws {
        let report = try #require(Self.report, "relabel corpus not found under \(Conformance.directory.path)")
        print("relabel conformance: \(report.summary)")
        #expect(report.results.count > 0)
    }

    @Test(arguments: (report?.results ?? []).map(RelabelCaseResult.init))
    func relabelCase(_ c: RelabelCaseResult) {
        #expect(c.result.passed, "\(c.result.detail)")
    }
}
