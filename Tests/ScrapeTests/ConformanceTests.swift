import Foundation
import Scrape
import Testing

/// The exposition conformance corpus, one test argument per manifest case.
///
/// The corpus is read from `LANTERN_CONFORMANCE_DIR`, defaulting to `../shared/conformance`
/// beside the repository root; it is never copied into the repository.
struct ConformanceTests {
    /// A manifest case named for test output.
    struct NamedCase: Sendable, CustomTestStringConvertible {
        let testCase: ExpositionConformance.Case
        var testDescription: String { "\(testCase.name) [\(testCase.profile)]" }
    }

    static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["LANTERN_CONFORMANCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        let repoRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repoRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    }()

    static let cases: [NamedCase] = ((try? ExpositionConformance.loadCases(directory: directory)) ?? []).map(NamedCase.init)

    @Test func corpusIsPresent() throws {
        let cases = try ExpositionConformance.loadCases(directory: Self.directory)
        #expect(!cases.isEmpty)
    }

    @Test(arguments: cases)
    func exposition(_ named: NamedCase) {
        switch ExpositionConformance.run(named.testCase, directory: Self.directory) {
        case .passed: break
        case let .skipped(reason):
            // Only documented, field-derived rules skip (ExpositionConformance.skipReason).
            #expect(ExpositionConformance.skipReason(for: named.testCase) == reason)
        case let .failed(why):
            Issue.record("\(named.testCase.name): \(why)")
        }
    }
}
