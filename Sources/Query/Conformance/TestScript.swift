import Foundation
import Model

/// One value position of a series line in a `.test` script.
enum ScriptValue {
    case omitted
    case float(Double)
    case histogram
}

/// A series line: labels plus expanded values.
struct ScriptSeries {
    var labels: Labels
    var values: [ScriptValue]
    var hasHistogram: Bool { values.contains { if case .histogram = $0 { return true }; return false } }
}

/// What an eval block expects.
struct EvalBlock {
    enum Kind { case instant(at: Timestamp), range(start: Timestamp, end: Timestamp, step: Int64) }
    struct Expectation { var kind: String; var msg: String?; var regex: String? }
    var line: Int
    var kind: Kind
    var query: String
    var series: [ScriptSeries] = []
    var scalar: Double?
    var string: String?
    var rangeVector: (start: Timestamp, end: Timestamp, step: Int64)?
    var expects: [Expectation] = []
    var legacyWarn = false
    var legacyInfo = false
    var usesHistogramLiterals: Bool { series.contains { $0.hasHistogram } }
    func expects(_ k: String) -> Bool { expects.contains { $0.kind == k } }
}

/// A command of a script.
enum ScriptCommand {
    case clear
    case load(interval: Int64, series: [ScriptSeries], nhcb: Bool, startTimestampSeries: [Labels])
    case eval(EvalBlock)
    case invalid(line: Int, reason: String)
}

/// Parses the `.test` format described in conformance/promql/FORMAT.md.
enum TestScript {
    static func parse(_ text: String) -> [ScriptCommand] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            let t = String(raw).trimmingWhitespace
            return t.hasPrefix("#") ? "" : t
        }
        var commands: [ScriptCommand] = []
        var i = 0
        while i < lines.count {
            if lines[i].isEmpty { i += 1; continue }
            let start = i
            var block: [String] = []
            while i < lines.count, !lines[i].isEmpty { block.append(lines[i]); i += 1 }
            let word = block[0].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)?.lowercased() ?? ""
            if word == "clear" {
                commands.append(.clear)
            } else if word.hasPrefix("load") {
                commands.append(parseLoad(block, line: start + 1))
            } else if word.hasPrefix("eval") {
                commands.append(parseEval(block, line: start + 1))
            } else {
                commands.append(.invalid(line: start + 1, reason: "unknown command \(word)"))
            }
        }
        return commands
    }

    static func words(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    static func parseLoad(_ block: [String], line: Int) -> ScriptCommand {
        let head = words(block[0])
        guard head.count == 2, let interval = parseDuration(head[1]) else {
            return .invalid(line: line, reason: "bad load header")
        }
        var series: [ScriptSeries] = []
        var stSeries: [Labels] = []
        for l in block.dropFirst() {
            guard let (desc, rest) = splitDescriptor(l) else { return .invalid(line: line, reason: "bad series line \(l)") }
            if desc.hasSuffix("@st") || rest.hasPrefix("@st") {
                let d = desc.hasSuffix("@st") ? String(desc.dropLast(3)) : desc
                if let labels = parseLabels(d) { stSeries.append(labels) }
                continue
            }
            guard let labels = parseLabels(desc), let values = parseValues(rest) else {
                return .invalid(line: line, reason: "bad series line \(l)")
            }
            series.removeAll { $0.labels == labels }
            series.append(ScriptSeries(labels: labels, values: values))
        }
        return .load(interval: interval, series: series, nhcb: head[0].lowercased() == "load_with_nhcb", startTimestampSeries: stSeries)
    }

    /// Splits `name{a="b c"} 1 2 3` into the descriptor and the value text.
    static func splitDescriptor(_ l: String) -> (String, String)? {
        let chars = Array(l)
        var i = 0
        var quote: Character?
        var depth = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" || c == "`" {
                quote = c
            } else if c == "{" {
                depth += 1
            } else if c == "}" {
                depth -= 1
                if depth == 0 { i += 1; break }
            } else if (c == " " || c == "\t") && depth == 0 {
                break
            }
            i += 1
        }
        if i > chars.count { return nil }
        return (String(chars[0..<i]), String(chars[i...]).trimmingWhitespace)
    }

    /// Parses a series descriptor with the PromQL parser (only `=` matchers).
    static func parseLabels(_ desc: String) -> Labels? {
        let d = desc.trimmingWhitespace
        if d == "{}" { return .empty }
        if d.hasSuffix("{}") { return Labels([Label(name: LabelName.metricName, value: String(d.dropLast(2)))]) }
        guard case .vectorSelector(let vs)? = try? parseExpr(d) else { return nil }
        var pairs: [Label] = []
        for m in vs.matchers {
            guard m.type == .equal else { return nil }
            if !m.value.isEmpty { pairs.append(Label(name: m.name, value: m.value)) }
        }
        return Labels(pairs)
    }

    /// Expands a value sequence.
    static func parseValues(_ text: String) -> [ScriptValue]? {
        var out: [ScriptValue] = []
        var items: [String] = []
        // Split on whitespace, keeping `{{ … }}` together.
        var cur = ""
        var depth = 0
        for c in text {
            if c == "{" { depth += 1 }
            if c == "}" { depth -= 1 }
            if (c == " " || c == "\t") && depth == 0 {
                if !cur.isEmpty { items.append(cur); cur = "" }
            } else {
                cur.append(c)
            }
        }
        if !cur.isEmpty { items.append(cur) }
        for item in items {
            if item.hasPrefix("{{") {
                var n = 1
                if let r = item.range(of: "}}x", options: .backwards), let k = Int(item[r.upperBound...]) { n = k + 1 }
                out += Array(repeating: .histogram, count: n)
                continue
            }
            if item == "_" { out.append(.omitted); continue }
            if item.hasPrefix("_x") {
                guard let k = Int(item.dropFirst(2)) else { return nil }
                out += Array(repeating: .omitted, count: k)
                continue
            }
            if item == "stale" { out.append(.float(StaleNaN.value)); continue }
            if let v = parseScriptNumber(item) { out.append(.float(v)); continue }
            // A+BxK, A-BxK, NxK
            guard let xIdx = item.lastIndex(of: "x"), let k = Int(item[item.index(after: xIdx)...]) else { return nil }
            let base = Array(item[..<xIdx])
            var split = -1
            for j in stride(from: base.count - 1, to: 0, by: -1) where (base[j] == "+" || base[j] == "-") && base[j - 1] != "e" && base[j - 1] != "E" {
                split = j
                break
            }
            if split < 0 {
                guard let v = parseScriptNumber(String(base)) else { return nil }
                out += Array(repeating: .float(v), count: k + 1)
            } else {
                guard let a = parseScriptNumber(String(base[..<split])),
                      let b = parseScriptNumber(String(base[(split + 1)...])) else { return nil }
                let inc = base[split] == "-" ? -b : b
                var v = a
                for _ in 0...k { out.append(.float(v)); v += inc }
            }
        }
        return out
    }

    /// Decimal, exponent, Inf, NaN, optionally signed; no hex (FORMAT.md 6.2).
    static func parseScriptNumber(_ s: String) -> Double? {
        var t = Substring(s)
        var sign = 1.0
        if t.hasPrefix("+") { t = t.dropFirst() } else if t.hasPrefix("-") { sign = -1; t = t.dropFirst() }
        let lower = t.lowercased()
        if lower == "inf" { return sign * .infinity }
        if lower == "nan" { return .nan }
        guard let f = t.first, f.isNumber || f == "." else { return nil }
        if lower.hasPrefix("0x") { return nil }
        return Double(t).map { sign * $0 }
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
