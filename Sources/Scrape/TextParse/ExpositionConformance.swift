public import Foundation
internal import Model

/// Runs the exposition conformance corpus (`shared/conformance/exposition/`) against
/// ``ExpositionParser``; used by the `ScrapeTests` table and by `lantern-conformance exposition`.
///
/// Per case: parse the file with the parser for its `format` in the case's profile, check
/// acceptance against `must_parse`, and compare `expected_entries` (else `expected_series`) when
/// given. Skips follow fixed rules on the case's fields only (see ``skipReason(for:)``), never
/// names, so a held-out corpus in the same format runs the same way.
public enum ExpositionConformance {
    /// A case's result.
    public enum Outcome: Sendable, Equatable {
        /// Acceptance and expectations matched.
        case passed
        /// Mismatch, with what went wrong.
        case failed(String)
        /// Not run, by a rule of ``skipReason(for:)``.
        case skipped(String)
    }

    /// The result of one case.
    public struct CaseResult: Sendable {
        /// The manifest case.
        public let testCase: Case
        /// What happened.
        public let outcome: Outcome
    }

    /// Results of a whole run.
    public struct Report: Sendable {
        /// One result per manifest case, in manifest order.
        public let results: [CaseResult]

        /// Number of passed cases.
        public var passed: Int { results.count { $0.outcome == .passed } }
        /// Number of failed cases.
        public var failed: Int { results.count { if case .failed = $0.outcome { true } else { false } } }
        /// Number of skipped cases.
        public var skipped: Int { results.count { if case .skipped = $0.outcome { true } else { false } } }

        /// `(profile, passed, failed, skipped)` per profile, sorted by profile.
        public var countsByProfile: [(profile: String, passed: Int, failed: Int, skipped: Int)] {
            Dictionary(grouping: results, by: \.testCase.profile).keys.sorted().map { profile in
                let r = Report(results: results.filter { $0.testCase.profile == profile })
                return (profile, r.passed, r.failed, r.skipped)
            }
        }
    }

    /// Finds the exposition folder: `directory` itself if it holds `manifest.json`, else
    /// `directory/exposition`.
    public static func expositionDirectory(_ directory: URL) -> URL {
        let direct = directory.appendingPathComponent("manifest.json")
        return FileManager.default.fileExists(atPath: direct.path) ? directory : directory.appendingPathComponent("exposition")
    }

    /// Reads the manifest's cases.
    /// - Throws: when the manifest is missing or malformed.
    public static func loadCases(directory: URL) throws -> [Case] {
        let url = expositionDirectory(directory).appendingPathComponent("manifest.json")
        return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url)).cases
    }

    /// Runs every case of the corpus at `directory` (the conformance root or its `exposition/`).
    /// - Throws: when the manifest cannot be read.
    public static func run(directory: URL) throws -> Report {
        let cases = try loadCases(directory: directory)
        return Report(results: cases.map { CaseResult(testCase: $0, outcome: run($0, directory: directory)) })
    }

    /// Why a case is not run, or nil. The only rules:
    /// * profile `client-strict` describes the client library's stricter parser
    ///   (prometheus/common `expfmt`: no unknown escapes, one HELP/TYPE per family, histogram
    ///   checks), which is not what a scrape server should do and is not implemented;
    /// * `openmetrics-1.0` rejections with `check_level: family-semantics` need family-level
    ///   validation (bucket order, counter values, metadata placement), a later milestone.
    public static func skipReason(for c: Case) -> String? {
        if c.profile == "client-strict" {
            return "client-library strict parser (expfmt) not implemented"
        }
        if c.profile == "openmetrics-1.0" && !c.mustParse && c.checkLevel == "family-semantics" {
            return "family-level OpenMetrics validation not implemented"
        }
        return nil
    }

    /// Runs one case.
    public static func run(_ c: Case, directory: URL) -> Outcome {
        if let reason = skipReason(for: c) { return .skipped(reason) }
        guard let format = ExpositionFormat(rawValue: c.format) else { return .failed("unknown format \(c.format)") }
        let url = expositionDirectory(directory).appendingPathComponent(c.file)
        guard let data = try? Data(contentsOf: url) else { return .failed("cannot read \(url.path)") }
        var parser = ExpositionParser(bytes: [UInt8](data), format: format, options: options(for: c.profile))
        var entries: [ParsedEntry] = []
        do throws(ParseError) {
            while let entry = try parser.next() { entries.append(ParsedEntry(entry, &parser)) }
        } catch {
            return c.mustParse ? .failed("unexpected error: \(error)") : .passed
        }
        guard c.mustParse else { return .failed("parsed \(entries.count) entries, expected an error") }
        if let expected = c.expectedEntries {
            return compare(entries, expected)
        }
        if let expected = c.expectedSeries {
            return compare(entries.filter { $0.kind == "series" }, expected)
        }
        return .passed
    }

    /// `openmetrics-1.0` cases run with the strict OpenMetrics checks; the others as the
    /// Prometheus server scrapes.
    static func options(for profile: String) -> ExpositionParser.Options {
        ExpositionParser.Options(skipCreatedSeries: true, strictOpenMetrics: profile == "openmetrics-1.0")
    }
}
