import Foundation
import Model

/// Go's `math.Max`/`math.Min` semantics: NaN wins.
func goMax(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
func goMin(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }

extension Evaluator {
    static let mathFunctions: [String: @Sendable (Double) -> Double] = [
        "abs": { Swift.abs($0) }, "ceil": { Foundation.ceil($0) }, "floor": { Foundation.floor($0) },
        "exp": { Foundation.exp($0) }, "sqrt": { $0.squareRoot() }, "ln": { Foundation.log($0) },
        "log2": { Foundation.log2($0) }, "log10": { Foundation.log10($0) },
        "sgn": { $0 < 0 ? -1 : ($0 > 0 ? 1 : $0) },
        "deg": { $0 * 180 / Double.pi }, "rad": { $0 * Double.pi / 180 },
        "acos": { Foundation.acos($0) }, "acosh": { Foundation.acosh($0) }, "asin": { Foundation.asin($0) },
        "asinh": { Foundation.asinh($0) }, "atan": { Foundation.atan($0) }, "atanh": { Foundation.atanh($0) },
        "cos": { Foundation.cos($0) }, "cosh": { Foundation.cosh($0) }, "sin": { Foundation.sin($0) },
        "sinh": { Foundation.sinh($0) }, "tan": { Foundation.tan($0) }, "tanh": { Foundation.tanh($0) },
    ]

    func evalCall(_ c: Call, _ t: Timestamp) throws(QueryError) -> QueryValue {
        let name = c.function.name
        if Evaluator.rangeFunctions.contains(name) { return .vector(try evalRangeFunction(c, t)) }
        if let f = Evaluator.mathFunctions[name] {
            return .vector(try evalVector(c.args[0], t).map { VectorSample($0.labels, f($0.value), dropName: true) })
        }
        if let dateFn = DateFunction(rawValue: name) {
            let input = c.args.isEmpty ? [VectorSample(.empty, Double(t) / 1000, dropName: false)] : try evalVector(c.args[0], t)
            return .vector(input.map { VectorSample($0.labels, dateFn.apply($0.value), dropName: true) })
        }
        switch name {
        case "time": return .scalar(Double(t) / 1000)
        case "start": return .scalar(Double(queryStart) / 1000)
        case "end": return .scalar(Double(queryEnd) / 1000)
        case "range": return .scalar(Double(queryEnd - queryStart) / 1000)
        case "step": return .scalar(Double(queryStep) / 1000)
        case "min_of": return .scalar(goMin(try evalScalar(c.args[0], t), try evalScalar(c.args[1], t)))
        case "max_of": return .scalar(goMax(try evalScalar(c.args[0], t), try evalScalar(c.args[1], t)))
        case "sort_by_label", "sort_by_label_desc":
            let v = try evalVector(c.args[0], t)
            var names: [String] = []
            for a in c.args.dropFirst() { names.append(try evalString(a, t)) }
            let desc = name == "sort_by_label_desc"
            return .vector(v.sorted { a, b in
                for n in names {
                    let x = a.labels[n] ?? "", y = b.labels[n] ?? ""
                    if x == y { continue }
                    return naturalLess(x, y) != desc
                }
                return desc ? b.labels < a.labels : a.labels < b.labels
            })
        case "pi": return .scalar(Double.pi)
        case "vector": return .vector([VectorSample(.empty, try evalScalar(c.args[0], t), dropName: false)])
        case "scalar":
            let v = try evalVector(c.args[0], t)
            return .scalar(v.count == 1 ? v[0].value : .nan)
        case "absent":
            return .vector(try evalVector(c.args[0], t).isEmpty ? [VectorSample(absentLabels(c.args[0]), 1, dropName: false)] : [])
        case "timestamp":
            if case .vectorSelector(let vs) = c.args[0].unwrapped {
                return .vector(try evalVectorSelector(vs, t).map { VectorSample($0.labels, Double($0.t) / 1000, dropName: true) })
            }
            return .vector(try evalVector(c.args[0], t).map { VectorSample($0.labels, Double(t) / 1000, dropName: true) })
        case "clamp", "clamp_min", "clamp_max":
            let v = try evalVector(c.args[0], t)
            var lo = -Double.infinity, hi = Double.infinity
            if name == "clamp" { lo = try evalScalar(c.args[1], t); hi = try evalScalar(c.args[2], t) }
            if name == "clamp_min" { lo = try evalScalar(c.args[1], t) }
            if name == "clamp_max" { hi = try evalScalar(c.args[1], t) }
            if name == "clamp" && hi < lo { return .vector([]) }
            return .vector(v.map { s in
                var x = s.value
                if name != "clamp_max" { x = goMax(lo, x) }
                if name != "clamp_min" { x = goMin(hi, x) }
                return VectorSample(s.labels, x, dropName: true)
            })
        case "round":
            let v = try evalVector(c.args[0], t)
            let toNearest = c.args.count > 1 ? try evalScalar(c.args[1], t) : 1
            let inverse = 1 / toNearest
            return .vector(v.map { VectorSample($0.labels, Foundation.floor($0.value * inverse + 0.5) / inverse, dropName: true) })
        case "sort", "sort_desc":
            let desc = name == "sort_desc"
            let v = try evalVector(c.args[0], t)
            return .vector(v.enumerated().sorted { x, y in
                let a = x.element.value, b = y.element.value
                if a.isNaN || b.isNaN {
                    if a.isNaN != b.isNaN { return b.isNaN }
                    return x.offset < y.offset
                }
                if a == b { return x.offset < y.offset }
                return desc ? a > b : a < b
            }.map(\.element))
        case "label_replace": return .vector(try labelReplace(c, t))
        case "label_join": return .vector(try labelJoin(c, t))
        case "histogram_quantile", "histogram_fraction": return .vector(try classicHistogram(c, t))
        case "histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar":
            // Only native histograms have these; float samples are ignored.
            _ = try evalVector(c.args[0], t)
            return .vector([])
        default:
            throw .exec("function \(quotedGo(name)) is not supported")
        }
    }

    func labelReplace(_ c: Call, _ t: Timestamp) throws(QueryError) -> [VectorSample] {
        let v = try evalVector(c.args[0], t)
        let dst = try evalString(c.args[1], t), repl = try evalString(c.args[2], t)
        let src = try evalString(c.args[3], t), regex = try evalString(c.args[4], t)
        let rule: RelabelRule
        do {
            rule = try RelabelRule(sourceLabels: [src], regex: regex, targetLabel: dst, replacement: repl, action: .replace)
        } catch {
            throw .exec("invalid regular expression in label_replace(): \(regex)")
        }
        guard isValidLabelName(dst) else { throw .exec("invalid destination label name in label_replace(): \(dst)") }
        var out: [VectorSample] = []
        for s in v {
            var b = LabelsBuilder(s.labels)
            _ = Relabeling.apply(rule, to: &b)
            let l = b.labels()
            // Setting __name__ explicitly keeps it, even when a function would have dropped it.
            let setName = dst == LabelName.metricName && rule.regex.matches(s.labels[src] ?? "")
            out.append(VectorSample(l, s.value, dropName: setName ? false : s.dropName))
        }
        try checkDuplicates(out)
        return out
    }

    func labelJoin(_ c: Call, _ t: Timestamp) throws(QueryError) -> [VectorSample] {
        let v = try evalVector(c.args[0], t)
        let dst = try evalString(c.args[1], t), sep = try evalString(c.args[2], t)
        var srcs: [String] = []
        for a in c.args.dropFirst(3) {
            let s = try evalString(a, t)
            guard isValidLabelName(s) else { throw .exec("invalid source label name in label_join(): \(s)") }
            srcs.append(s)
        }
        guard isValidLabelName(dst) else { throw .exec("invalid destination label name in label_join(): \(dst)") }
        var out: [VectorSample] = []
        for s in v {
            let joined = srcs.map { s.labels[$0] ?? "" }.joined(separator: sep)
            var b = LabelsBuilder(s.labels)
            if joined.isEmpty { b.delete(dst) } else { b.set(dst, joined) }
            out.append(VectorSample(b.labels(), s.value, dropName: dst == LabelName.metricName ? false : s.dropName))
        }
        try checkDuplicates(out)
        return out
    }

    func checkDuplicates(_ v: [VectorSample]) throws(QueryError) {
        var seen: Set<Labels> = []
        for s in v where !seen.insert(s.labels).inserted {
            throw .exec("vector cannot contain metrics with the same labelset")
        }
    }
}

/// Natural ordering: digit runs compare as numbers (`a2` < `a10`).
func naturalLess(_ a: String, _ b: String) -> Bool {
    func chunks(_ s: String) -> [(isNumber: Bool, text: Substring)] {
        var out: [(Bool, Substring)] = []
        var start = s.startIndex
        while start < s.endIndex {
            let digit = s[start].isASCII && s[start].isNumber
            var end = start
            while end < s.endIndex, (s[end].isASCII && s[end].isNumber) == digit { end = s.index(after: end) }
            out.append((digit, s[start..<end]))
            start = end
        }
        return out
    }
    let ca = chunks(a), cb = chunks(b)
    for (x, y) in zip(ca, cb) where x.text != y.text {
        if x.isNumber && y.isNumber {
            let xs = x.text.drop { $0 == "0" }, ys = y.text.drop { $0 == "0" }
            if xs.count != ys.count { return xs.count < ys.count }
            if xs != ys { return xs < ys }
            return x.text.count < y.text.count
        }
        return x.text < y.text
    }
    return ca.count < cb.count
}

/// The calendar functions; all work on UTC.
enum DateFunction: String {
    case dayOfMonth = "day_of_month", dayOfWeek = "day_of_week", dayOfYear = "day_of_year"
    case daysInMonth = "days_in_month", hour, minute, month, year

    func apply(_ seconds: Double) -> Double {
        guard seconds.isFinite, abs(seconds) < 1e17 else { return .nan }
        let secs = Int64(seconds)
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        switch self {
        case .hour: return Double(rem / 3600)
        case .minute: return Double(rem % 3600 / 60)
        case .dayOfMonth: return Double(d)
        case .month: return Double(m)
        case .year: return Double(y)
        case .dayOfWeek:
            let w = (days + 4) % 7
            return Double(w < 0 ? w + 7 : w)
        case .daysInMonth: return Double(DateFunction.daysIn(month: m, year: y))
        case .dayOfYear:
            var doy = d
            for mm in 1..<m { doy += DateFunction.daysIn(month: mm, year: y) }
            return Double(doy)
        }
    }

    static func daysIn(month m: Int64, year y: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days-to-civil algorithm.
    func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
