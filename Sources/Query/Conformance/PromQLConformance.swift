import Foundation
import Model

/// Runs the PromQL `.test` scripts of the conformance corpus against Lantern's engine.
///
/// Each file gets a fresh in-memory `MemorySeriesSource` (the SQLite storage is not used here).
/// Eval blocks are skipped only for what they use: native-histogram literals, series loaded as
/// native histograms (incl. `load_with_nhcb`), native-histogram functions, start timestamps,
/// `__type__`/`__unit__` labels, and the experimental syntax and functions of FORMAT.md §8.
public enum PromQLConformance {
    /// The engine settings the scripts assume (FORMAT.md §8).
    public static var scriptOptions: EngineOptions {
        var o = EngineOptions()
        o.maxSamples = 10_000
        return o
    }

    /// Runs every `*.test` file of a directory.
    /// - Parameters:
    ///   - directory: `conformance/`, `conformance/promql/` or the `testdata/` directory itself.
    ///   - verbose: Print each case line to standard output as it completes.
    ///   - strict: Also run the reference runner's extra checks (FORMAT.md §9): the instant query as
    ///     a range query around T, and the query with `@ T` added evaluated at other times.
    /// - Returns: Per-case results with counts.
    /// - Throws: When the directory cannot be read.
    public static func run(directory: String, verbose: Bool = false, strict: Bool = true) throws -> ConformanceReport {
        let fm = FileManager.default
        var dir = directory
        for sub in ["promql/testdata", "testdata"] where fm.fileExists(atPath: directory + "/" + sub) {
            dir = directory + "/" + sub
            break
        }
        let files = try fm.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".test") }.sorted()
        var report = ConformanceReport()
        for f in files {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            runScript(name: f, text: text, into: &report, verbose: verbose, strict: strict)
        }
        return report
    }

    /// Runs one script's text, appending its cases to `report`.
    static func runScript(name: String, text: String, into report: inout ConformanceReport, verbose: Bool, strict: Bool) {
        var runner = ScriptRunner(file: name, strict: strict)
        for cmd in TestScript.parse(text) {
            switch cmd {
            case .clear: runner.clear()
            case .load(let interval, let series, let nhcb, let st): runner.load(interval, series, nhcb: nhcb, startTimestamps: st)
            case .invalid(let line, let reason): report.scriptErrors.append("\(name):\(line): \(reason)")
            case .eval(let block):
                let c = runner.run(block)
                if verbose { print(c.summaryLine) }
                report.cases.append(c)
            }
        }
    }
}

/// State of one script: the data loaded so far and what of it the float engine cannot serve.
struct ScriptRunner {
    let file: String
    var source = MemorySeriesSource()
    var histogramSeries: [Labels] = []
    var startTimestampSeries: [Labels] = []
    let engine = Engine(options: PromQLConformance.scriptOptions)
    /// Also run the reference runner's extra checks (FORMAT.md §9).
    let strict: Bool

    init(file: String, strict: Bool) {
        self.file = file
        self.strict = strict
    }

    mutating func clear() {
        source = MemorySeriesSource()
        histogramSeries = []
        startTimestampSeries = []
    }

    mutating func load(_ interval: Int64, _ series: [ScriptSeries], nhcb: Bool, startTimestamps: [Labels]) {
        startTimestampSeries += startTimestamps
        for s in series {
            if s.hasHistogram { histogramSeries.append(s.labels) }
            for (i, v) in s.values.enumerated() {
                if case .float(let f) = v { source.append(s.labels, Int64(i) * interval, f) }
            }
            if nhcb, let name = s.labels.metricName {
                for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) {
                    let base = String(name.dropLast(suffix.count))
                    histogramSeries.append(s.labels.removing([LabelName.bucket]).setting(LabelName.metricName, to: base))
                }
            }
        }
    }

    /// Why the float engine cannot run this block, or nil.
    func skipReason(_ b: EvalBlock) -> String? {
        if b.usesHistogramLiterals { return "native histogram literal in expected result" }
        let tokens = (try? Lexer.tokenize(b.query)) ?? []
        for (i, t) in tokens.enumerated() where t.kind == .identifier {
            let next = i + 1 < tokens.count ? tokens[i + 1].kind : .eof
            let word = t.text
            // Only `smoothed` on an instant selector is implemented.
            if word.lowercased() == "anchored" || (word.lowercased() == "smoothed" && i > 0 && tokens[i - 1].kind == .rightBracket) {
                return "experimental \(word) range modifier"
            }
            let afterAt = i > 0 && tokens[i - 1].kind == .at
            if next == .leftParen && !afterAt {
                if let f = FunctionDef.all[word], f.experimental, !Evaluator.implementedExperimentalFunctions.contains(word) {
                    return "experimental function \(word)"
                }
                if ["limitk", "limit_ratio"].contains(word) { return "experimental aggregator \(word)" }
                if ["histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar"].contains(word) {
                    return "native histogram function \(word)"
                }
            }
        }
        if b.query.contains("__type__") || b.query.contains("__unit__")
            || b.series.contains(where: { $0.labels.has("__type__") || $0.labels.has("__unit__") }) {
            return "type and unit labels"
        }
        if let expr = try? parseExpr(b.query) {
            for vs in selectors(expr) {
                if histogramSeries.contains(where: { vs.matchers.matches($0) }) { return "selects native histogram series" }
                if startTimestampSeries.contains(where: { vs.matchers.matches($0) }) { return "uses start timestamps" }
                if source.allLabels.contains(where: { vs.matchers.matches($0) && ($0.has("__type__") || $0.has("__unit__")) }) {
                    return "type and unit labels"
                }
            }
        }
        return nil
    }

    func selectors(_ e: Expr) -> [VectorSelector] {
        switch e {
        case .number, .string: return []
        case .vectorSelector(let v): return [v]
        case .matrixSelector(let m): return [m.vector]
        case .subquery(let s): return selectors(s.expr)
        case .paren(let x, _): return selectors(x)
        case .unary(let u): return selectors(u.expr)
        case .binary(let b): return selectors(b.lhs) + selectors(b.rhs)
        case .call(let c): return c.args.flatMap(selectors)
        case .aggregate(let a): return selectors(a.expr) + (a.param.map(selectors) ?? [])
        }
    }

    func run(_ b: EvalBlock) -> ConformanceReport.Case {
        var c = ConformanceReport.Case(file: file, line: b.line, query: b.query, status: .pass, reason: "")
        if let reason = skipReason(b) {
            c.status = .skip
            c.reason = reason
            return c
        }
        if let failure = check(b) {
            c.status = .fail
            c.reason = failure
        }
        return c
    }
}
