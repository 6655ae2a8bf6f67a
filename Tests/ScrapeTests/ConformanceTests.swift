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

    /// One pass over a body: each entry as text (series bytes, value bits, timestamp) and the
    /// first error, parsed with `next()` or with `next(known:)` answering from `knownKeys`.
    static func trace(_ body: [UInt8], knownKeys: Set<[UInt8]>?) -> (entries: [String], keys: [[UInt8]], error: String?) {
        var p = ExpositionParser(bytes: body, format: .prometheusText)
        var entries: [String] = [], keys: [[UInt8]] = []
        do throws(ParseError) {
            while true {
                var asked: [UInt8]?
                let entry: Entry?
                if let knownKeys {
                    entry = try p.next { key in
                        asked = Array(key)
                        return knownKeys.contains(asked!)
                    }
                } else {
                    entry = try p.next()
                }
                guard let entry else { break }
                guard entry == .series else { entries.append("\(entry)"); continue }
                let bytes = Array(p.seriesBytes)
                if let asked { #expect(asked == bytes, "the quick scan ends where the full parse does") }
                keys.append(bytes)
                entries.append("\(bytes) \(p.value.bitPattern) \(p.timestamp.map(String.init) ?? "-")")
            }
        } catch {
            return (entries, keys, "\(error)")
        }
        return (entries, keys, nil)
    }

    /// The scrape loop's cache-aided parse agrees with the plain one on every text-format case:
    /// same entries, series bytes, values and first error, both when no series is known yet and
    /// when every series that parsed before is (label checks skipped for those).
    @Test(arguments: cases.filter { $0.testCase.format == "prometheus-text" })
    func knownSeriesParseAgrees(_ named: NamedCase) throws {
        let url = Self.directory.appendingPathComponent("exposition").appendingPathComponent(named.testCase.file)
        let body = [UInt8](try Data(contentsOf: url))
        let plain = Self.trace(body, knownKeys: nil)
        let cold = Self.trace(body, knownKeys: [])
        let warm = Self.trace(body, knownKeys: Set(plain.keys))
        #expect(cold.entries == plain.entries && cold.error == plain.error)
        #expect(warm.entries == plain.entries && warm.error == plain.error)
    }

    /// Braces and quotes inside label values, a blank before the brace, a quoted metric name,
    /// escapes, and a malformed line whose series bytes never parsed (still rejected).
    @Test func knownSeriesParseAgreesOnTrickyLines() {
        let body = Array(#"""
            m{a="}",b="q\"}"} 1
            m {a="x"} 2 1000
            {"m.dotted",a="y"} 3
            m_no_labels 4
            m{a="new\nline",} 5
            m{a="}"} 6
            m{1a="z"} 7

            """#.utf8)
        let plain = Self.trace(body, knownKeys: nil)
        #expect(plain.keys.count == 6)
        #expect(plain.error?.hasPrefix("line 7, column 3:") == true, "\(plain.error ?? "no error")")
        let warm = Self.trace(body, knownKeys: Set(plain.keys))
        #expect(warm.entries == plain.entries && warm.error == plain.error)
        #expect(Self.trace(body, knownKeys: []).entries == plain.entries)
    }
}
