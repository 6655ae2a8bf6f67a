/// The outcome of running PromQL conformance scripts: one entry per eval block, in file order.
public struct ConformanceReport: Sendable {
    /// Whether an eval block passed, failed or was skipped.
    public enum Status: String, Sendable { case pass, fail, skip }

    /// One eval block.
    public struct Case: Sendable {
        /// Script file name, e.g. `functions.test`.
        public var file: String
        /// Line of the `eval` header (1-based), as in INDEX.json.
        public var line: Int
        /// The query.
        public var query: String
        /// The outcome.
        public var status: Status
        /// Why it failed or was skipped; empty on pass.
        public var reason: String
        /// `<file>:<line>`.
        public var name: String { "\(file):\(line)" }
        /// `<file>:<line> pass|fail|skip[: reason]`.
        public var summaryLine: String { reason.isEmpty ? "\(name) \(status.rawValue)" : "\(name) \(status.rawValue): \(reason)" }
    }

    /// All eval blocks.
    public var cases: [Case] = []
    /// Script-level problems (unparsable commands), as `<file>:<line>: reason`.
    public var scriptErrors: [String] = []

    /// Number of passed blocks.
    public var passed: Int { cases.filter { $0.status == .pass }.count }
    /// Number of failed blocks.
    public var failed: Int { cases.filter { $0.status == .fail }.count }
    /// Number of skipped blocks.
    public var skipped: Int { cases.filter { $0.status == .skip }.count }

    /// `N passed, M failed, K skipped`.
    public var summary: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// Per-file counts, one line per file: `functions.test: 150 passed, 3 failed, 120 skipped`.
    public var perFile: [String] {
        var order: [String] = []
        var counts: [String: (Int, Int, Int)] = [:]
        for c in cases {
            if counts[c.file] == nil { order.append(c.file); counts[c.file] = (0, 0, 0) }
            switch c.status {
            case .pass: counts[c.file]!.0 += 1
            case .fail: counts[c.file]!.1 += 1
            case .skip: counts[c.file]!.2 += 1
            }
        }
        return order.map { f in
            let (p, fl, s) = counts[f]!
            return "\(f): \(p) passed, \(fl) failed, \(s) skipped"
        }
    }

    /// The report as text: per-case lines (all with `cases: true`, else failures only),
    /// per-file counts and the summary line last.
    public func render(cases allCases: Bool) -> String {
        var out: [String] = []
        for c in cases where allCases || c.status == .fail { out.append(c.summaryLine) }
        out += scriptErrors
        out += perFile
        out.append(summary)
        return out.joined(separator: "\n")
    }
}
