import Foundation
import Testing
@testable import Config

/// Every case of `../shared/conformance/config/manifest.json`, each as its own test argument.
@Suite struct ConfigConformanceTests {
    @Test(arguments: Conformance.cases())
    func conformanceCase(_ c: ConformanceCase) throws {
        if let reason = Conformance.skipped[c.name] {
            print("config/\(c.name): skipped (\(reason))")
            return
        }
        let failure = Conformance.run(c)
        #expect(failure == nil, "\(c.testDescription): \(failure ?? "")")
    }

    /// Runs the whole corpus once more to print one summary line.
    @Test func conformanceSummary() throws {
        let cases = Conformance.cases()
        try #require(!cases.isEmpty, "no conformance cases found under \(Conformance.configRoot.path)")
        var passed = 0, failed: [String] = []
        let verbose = ProcessInfo.processInfo.environment["LANTERN_CONFORMANCE_VERBOSE"] != nil
        for c in cases where Conformance.skipped[c.name] == nil {
            if verbose {
                do { _ = try ConfigLoader.load(path: Conformance.configRoot.appendingPathComponent(c.file).path); print("\(c.name): loaded") }
                catch { print("\(c.name): \(error)") }
            }
            if let why = Conformance.run(c) { failed.append("config/\(c.name): \(why)") } else { passed += 1 }
        }
        for line in failed { print(line) }
        print("config conformance: \(passed) passed, \(failed.count) failed, \(Conformance.skipped.count) skipped")
        #expect(failed.isEmpty)
    }
}
