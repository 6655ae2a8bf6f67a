import Foundation
import Model

/// One window of a range vector: a view into stored or materialised samples.
typealias Points = UnsafeBufferPointer<Sample>

/// The range functions, resolved once per call instead of comparing names per series.
enum RangeFunction: String {
    case rate, increase, delta, irate, idelta, deriv, changes, resets
    case predictLinear = "predict_linear"
    case avgOverTime = "avg_over_time", sumOverTime = "sum_over_time", countOverTime = "count_over_time"
    case minOverTime = "min_over_time", maxOverTime = "max_over_time"
    case stddevOverTime = "stddev_over_time", stdvarOverTime = "stdvar_over_time"
    case lastOverTime = "last_over_time", firstOverTime = "first_over_time", presentOverTime = "present_over_time"
    case quantileOverTime = "quantile_over_time", madOverTime = "mad_over_time", absentOverTime = "absent_over_time"
    case doubleExponentialSmoothing = "double_exponential_smoothing"
    case tsOfFirstOverTime = "ts_of_first_over_time", tsOfLastOverTime = "ts_of_last_over_time"
    case tsOfMaxOverTime = "ts_of_max_over_time", tsOfMinOverTime = "ts_of_min_over_time"
}

/// Functions over range vectors: rate family, *_over_time, deriv, predict_linear, changes, resets.
extension Evaluator {

    /// Experimental functions (FORMAT.md §8) this engine evaluates.
    static let implementedExperimentalFunctions: Set<String> = [
        "sort_by_label", "sort_by_label_desc", "mad_over_time", "double_exponential_smoothing",
        "ts_of_first_over_time", "ts_of_last_over_time", "ts_of_max_over_time", "ts_of_min_over_time",
        "start", "end", "range", "step", "min_of", "max_of",
    ]

    static let rangeFunctions: Set<String> = [
        "rate", "increase", "delta", "irate", "idelta", "deriv", "predict_linear", "changes", "resets",
        "avg_over_time", "sum_over_time", "count_over_time", "min_over_time", "max_over_time",
        "stddev_over_time", "stdvar_over_time", "last_over_time", "first_over_time", "present_over_time",
        "quantile_over_time", "mad_over_time", "absent_over_time", "double_exponential_smoothing",
        "ts_of_first_over_time", "ts_of_last_over_time", "ts_of_max_over_time", "ts_of_min_over_time",
    ]

    func evalRangeArg(_ e: Expr, _ t: Timestamp) throws(QueryError) -> RangeResult {
        switch e.unwrapped {
        case .matrixSelector(let ms): return try evalMatrixSelector(ms, t)
        case .subquery(let sq): return try evalSubquery(sq, t)
        default: throw .exec("expected range vector")
        }
    }

    /// A range function call with its arguments evaluated at one step.
    struct RangeCall {
        var fn: RangeFunction
        var r: RangeResult
        var scalarArg = 0.0
        var trendFactor = 0.0
        /// Functions that keep `__name__` (otherwise it is dropped, delayed).
        var keepName: Bool { fn == .lastOverTime || fn == .firstOverTime }
    }

    /// Evaluates the arguments of a range function call (nil for an unknown function).
    func prepareRangeCall(_ c: Call, _ t: Timestamp) throws(QueryError) -> RangeCall? {
        let name = c.function.name
        let matrixIndex = name == "quantile_over_time" ? 1 : 0
        let r = try evalRangeArg(c.args[matrixIndex], t)
        guard let fn = RangeFunction(rawValue: name) else { return nil }
        var call = RangeCall(fn: fn, r: r)
        if fn == .absentOverTime { return call }
        if fn == .quantileOverTime {
            call.scalarArg = try evalScalar(c.args[0], t)
            if call.scalarArg.isNaN || call.scalarArg < 0 || call.scalarArg > 1 {
                annotate(.warning, "quantile value should be between 0 and 1, got \(FloatFormat.goG(call.scalarArg))", c.args[0].position)
            }
        } else if fn == .predictLinear {
            call.scalarArg = try evalScalar(c.args[1], t)
        }
        if fn == .doubleExponentialSmoothing {
            call.scalarArg = try evalScalar(c.args[1], t)
            call.trendFactor = try evalScalar(c.args[2], t)
            if !(call.scalarArg > 0 && call.scalarArg < 1) {
                throw .exec("invalid smoothing factor. Expected: 0 < sf < 1, got: \(String(format: "%f", call.scalarArg))")
            }
            if !(call.trendFactor > 0 && call.trendFactor < 1) {
                throw .exec("invalid trend factor. Expected: 0 < tf < 1, got: \(String(format: "%f", call.trendFactor))")
            }
        }
        return call
    }

    /// The call when `e` is a range function over a matrix selector (not `absent_over_time`):
    /// such calls can be evaluated straight from the selector's windows.
    static func rangeCallOverSelector(_ e: Expr) -> Call? {
        guard case .call(let c) = e.unwrapped, let fn = RangeFunction(rawValue: c.function.name), fn != .absentOverTime else { return nil }
        guard case .matrixSelector = c.args[fn == .quantileOverTime ? 1 : 0].unwrapped else { return nil }
        return c
    }

    /// Calls `body(i, value)` for every series `i` of a matrix selector's cursor whose window gives a value.
    @inline(__always)
    func forEachWindowValue(_ rc: RangeCall, _ cursor: RangeCursor, _ t: Timestamp, _ body: (Int, Double) -> Void) {
        cursor.samples.withUnsafeBufferPointer { buf in
            cursor.lo.withUnsafeBufferPointer { los in
                cursor.hi.withUnsafeBufferPointer { his in
                    if rc.fn == .rate || rc.fn == .increase {
                        // Counter resets are rare: skip the reset scan of windows that have none.
                        cursor.decreases.withUnsafeBufferPointer { dec in
                            for i in 0..<los.count {
                                let lo = los[i], hi = his[i]
                                guard lo < hi else { continue }
                                let noResets = dec[hi - 1] == dec[lo]
                                if let v = extrapolatedRate(Points(rebasing: buf[lo..<hi]), rc.r, isCounter: true,
                                                            isRate: rc.fn == .rate, noResets: noResets) {
                                    body(i, v)
                                }
                            }
                        }
                        return
                    }
                    for i in 0..<los.count {
                        let lo = los[i], hi = his[i]
                        guard lo < hi else { continue }
                        if let v = rangeValue(rc.fn, Points(rebasing: buf[lo..<hi]), rc.r, t, rc.scalarArg, rc.trendFactor) {
                            body(i, v)
                        }
                    }
                }
            }
        }
    }

    /// rate()/increase()'s info for names that do not look like counters, once per series and query.
    func annotateCounterNames(_ rc: RangeCall, _ cursor: RangeCursor, _ c: Call) {
        guard rc.fn == .rate || rc.fn == .increase else { return }
        for i in 0..<cursor.count where cursor.lo[i] < cursor.hi[i] && !cursor.counterChecked[i] {
            cursor.counterChecked[i] = true
            annotateCounterName(cursor.labels[i], c)
        }
    }

    func evalRangeFunction(_ c: Call, _ t: Timestamp) throws(QueryError) -> [VectorSample] {
        guard let rc = try prepareRangeCall(c, t) else { return [] }
        let r = rc.r
        if rc.fn == .absentOverTime {
            return r.isEmpty ? [VectorSample(absentLabels(c.args[0]), 1, dropName: false)] : []
        }
        var out: [VectorSample] = []
        if let cursor = r.cursor {
            // Matrix selector: windows are index ranges into the cursor's samples.
            // Selected series never have a pending name drop.
            out.reserveCapacity(cursor.nonEmptyCount)
            let dropName = !rc.keepName
            forEachWindowValue(rc, cursor, t) { i, v in
                var sample = VectorSample(cursor.labels[i], v, dropName: dropName)
                sample.sid = Int32(truncatingIfNeeded: cursor.sidBase + i)
                out.append(sample)
            }
            annotateCounterNames(rc, cursor, c)
            return out
        }
        out.reserveCapacity(r.series.count)
        for s in r.series {
            let v = s.points.withUnsafeBufferPointer { p in rangeValue(rc.fn, p, r, t, rc.scalarArg, rc.trendFactor) }
            if let v {
                out.append(VectorSample(s.labels, v, dropName: rc.keepName ? s.dropName : true))
            }
        }
        if rc.fn == .rate || rc.fn == .increase { annotateCounterNames(r.series, c) }
        return out
    }

    /// One range function over one series' window (non-empty).
    @inline(__always)
    func rangeValue(_ fn: RangeFunction, _ p: Points, _ r: RangeResult, _ t: Timestamp,
                    _ scalarArg: Double, _ trendFactor: Double) -> Double? {
        switch fn {
        case .rate: return extrapolatedRate(p, r, isCounter: true, isRate: true)
        case .increase: return extrapolatedRate(p, r, isCounter: true, isRate: false)
        case .delta: return extrapolatedRate(p, r, isCounter: false, isRate: false)
        case .irate: return instantDelta(p, isRate: true)
        case .idelta: return instantDelta(p, isRate: false)
        case .deriv: return p.count < 2 ? nil : linearRegression(p, interceptTime: p[0].t).slope
        case .predictLinear:
            if p.count < 2 { return nil }
            let (slope, intercept) = linearRegression(p, interceptTime: t)
            return slope * scalarArg + intercept
        case .changes: return Double(zip(p, p.dropFirst()).filter { $0.v != $1.v && !($0.v.isNaN && $1.v.isNaN) }.count)
        case .resets: return Double(zip(p, p.dropFirst()).filter { $1.v < $0.v }.count)
        case .sumOverTime: return kahanSum(p)
        case .avgOverTime: return averageOverTime(p)
        case .countOverTime: return Double(p.count)
        case .minOverTime: return p.dropFirst().reduce(p[0].v) { m, x in (m > x.v || m.isNaN) ? x.v : m }
        case .maxOverTime: return p.dropFirst().reduce(p[0].v) { m, x in (m < x.v || m.isNaN) ? x.v : m }
        case .stddevOverTime: return varianceOverTime(p).squareRoot()
        case .stdvarOverTime: return varianceOverTime(p)
        case .lastOverTime: return p[p.count - 1].v
        case .firstOverTime: return p[0].v
        case .presentOverTime: return 1
        case .quantileOverTime: return quantileOf(scalarArg, p.map(\.v))
        case .madOverTime:
            let values = p.map(\.v)
            if values.contains(where: \.isNaN) { return .nan }
            let median = quantileOf(0.5, values)
            return quantileOf(0.5, values.map { abs($0 - median) })
        case .doubleExponentialSmoothing: return doubleExponentialSmoothing(p, sf: scalarArg, tf: trendFactor)
        case .tsOfFirstOverTime: return Double(p[0].t) / 1000
        case .tsOfLastOverTime: return Double(p[p.count - 1].t) / 1000
        case .tsOfMaxOverTime, .tsOfMinOverTime:
            let isMax = fn == .tsOfMaxOverTime
            var best = p[0]
            for x in p.dropFirst() where (isMax ? x.v >= best.v : x.v <= best.v) || best.v.isNaN { best = x }
            return Double(best.t) / 1000
        case .absentOverTime: return nil
        }
    }

    func annotateCounterName(_ labels: Labels, _ c: Call) {
        guard let n = labels.metricName, counterNamesChecked.insert("\(c.args[0].position.start):\(n)").inserted else { return }
        if !(n.hasSuffix("_total") || n.hasSuffix("_sum") || n.hasSuffix("_count") || n.hasSuffix("_bucket")) {
            annotate(.info, "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \(quotedGo(n))", c.args[0].position)
        }
    }

    private func annotateCounterNames(_ series: [RangeSeries], _ c: Call) {
        for s in series where !s.dropName { annotateCounterName(s.labels, c) }
    }

    /// Prometheus's `extrapolatedRate`: rate/increase/delta with extrapolation to the range boundaries.
    /// `noResets`: the caller knows no sample is below its predecessor (the scan would add nothing).
    @inline(__always)
    func extrapolatedRate(_ p: Points, _ r: RangeResult, isCounter: Bool, isRate: Bool, noResets: Bool = false) -> Double? {
        guard p.count >= 2 else { return nil }
        let first = p[0], last = p[p.count - 1]
        var result = last.v - first.v
        if isCounter && !noResets {
            var prev = first.v
            for s in p.dropFirst() {
                if s.v < prev { result += prev }
                prev = s.v
            }
        }
        var durationToStart = Double(first.t - r.start) / 1000
        var durationToEnd = Double(r.end - last.t) / 1000
        let sampledInterval = Double(last.t - first.t) / 1000
        let averageBetween = sampledInterval / Double(p.count - 1)
        let threshold = averageBetween * 1.1
        if durationToStart >= threshold { durationToStart = averageBetween / 2 }
        if isCounter {
            var durationToZero = durationToStart
            if result > 0 && first.v >= 0 { durationToZero = sampledInterval * (first.v / result) }
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        if durationToEnd >= threshold { durationToEnd = averageBetween / 2 }
        var factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval
        if isRate { factor /= Double(r.range) / 1000 }
        return result * factor
    }

    func doubleExponentialSmoothing(_ p: Points, sf: Double, tf: Double) -> Double? {
        guard p.count >= 2 else { return nil }
        var s0 = 0.0, s1 = p[0].v, b = p[1].v - p[0].v
        for i in 1..<p.count {
            let x = sf * p[i].v
            if i > 1 { b = tf * (s1 - s0) + (1 - tf) * b }
            let y = (1 - sf) * (s1 + b)
            (s0, s1) = (s1, x + y)
        }
        return s1
    }

    func instantDelta(_ p: Points, isRate: Bool) -> Double? {
        guard p.count >= 2 else { return nil }
        let last = p[p.count - 1], prev = p[p.count - 2]
        var v = (isRate && last.v < prev.v) ? last.v : last.v - prev.v
        let interval = last.t - prev.t
        if interval == 0 { return nil }
        if isRate { v /= Double(interval) / 1000 }
        return v
    }

    func linearRegression(_ p: Points, interceptTime: Timestamp) -> (slope: Double, intercept: Double) {
        var n = 0.0, sumX = 0.0, cX = 0.0, sumY = 0.0, cY = 0.0, sumXY = 0.0, cXY = 0.0, sumX2 = 0.0, cX2 = 0.0
        let initY = p[0].v
        var constY = true
        for (i, s) in p.enumerated() {
            if constY && i > 0 && s.v != initY { constY = false }
            n += 1
            let x = Double(s.t - interceptTime) / 1e3
            (sumX, cX) = kahanSumInc(x, sumX, cX)
            (sumY, cY) = kahanSumInc(s.v, sumY, cY)
            (sumXY, cXY) = kahanSumInc(x * s.v, sumXY, cXY)
            (sumX2, cX2) = kahanSumInc(x * x, sumX2, cX2)
        }
        if constY {
            if initY.isInfinite { return (.nan, .nan) }
            return (0, initY)
        }
        sumX += cX; sumY += cY; sumXY += cXY; sumX2 += cX2
        let covXY = sumXY - sumX * sumY / n
        let varX = sumX2 - sumX * sumX / n
        let slope = covXY / varX
        return (slope, sumY / n - slope * sumX / n)
    }

    func kahanSum(_ p: Points) -> Double {
        var sum = 0.0, c = 0.0
        for s in p { (sum, c) = kahanSumInc(s.v, sum, c) }
        return sum.isInfinite ? sum : sum + c
    }

    func averageOverTime(_ p: Points) -> Double {
        var sum = p[0].v, count = 1.0, mean = 0.0, c = 0.0, incremental = false
        for (i, s) in p.dropFirst().enumerated() {
            count = Double(i + 2)
            if !incremental {
                let (ns, nc) = kahanSumInc(s.v, sum, c)
                if !ns.isInfinite { (sum, c) = (ns, nc); continue }
                incremental = true
                mean = sum / (count - 1)
                c /= count - 1
            }
            let q = (count - 1) / count
            (mean, c) = kahanSumInc(s.v / count, q * mean, q * c)
        }
        return incremental ? mean + c : sum / count + c / count
    }

    func varianceOverTime(_ p: Points) -> Double {
        var count = 0.0, mean = 0.0, cMean = 0.0, aux = 0.0, cAux = 0.0
        for s in p {
            count += 1
            let delta = s.v - (mean + cMean)
            (mean, cMean) = kahanSumInc(delta / count, mean, cMean)
            (aux, cAux) = kahanSumInc(delta * (s.v - (mean + cMean)), aux, cAux)
        }
        return (aux + cAux) / count
    }

    /// Labels for `absent`/`absent_over_time`: the equality matchers of a plain selector argument.
    func absentLabels(_ arg: Expr) -> Labels {
        let matchers: [Matcher]
        switch arg.unwrapped {
        case .vectorSelector(let vs): matchers = vs.matchers
        case .matrixSelector(let ms): matchers = ms.vector.matchers
        default: return .empty
        }
        var b = LabelsBuilder()
        var seen: Set<String> = []
        for m in matchers where m.name != LabelName.metricName {
            if m.type == .equal && !seen.contains(m.name) {
                b.set(m.name, m.value)
                seen.insert(m.name)
            } else {
                b.delete(m.name)
            }
        }
        return b.labels()
    }
}
