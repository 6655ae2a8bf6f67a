import Foundation
import Model

/// Kahan–Neumaier summation step, as Prometheus's `kahanSumInc`.
@inline(__always) func kahanSumInc(_ inc: Double, _ sum: Double, _ c: Double) -> (Double, Double) {
    let t = sum + inc
    var c = c
    if t.isInfinite {
        c = 0
    } else if abs(sum) >= abs(inc) {
        c += (sum - t) + inc
    } else {
        c += (inc - t) + sum
    }
    return (t, c)
}

/// `by`/`without` labels of an aggregation: what its grouping key depends on besides the labels.
struct GroupingSignature: Hashable {
    var grouping: [String]
    var without: Bool
}

/// Grouping keys of one grouping signature for one query. A sample with a series id gets its key
/// computed once per query; others are looked up by labels.
final class GroupKeyCache {
    var keyOfSid: [Int32] = []
    var keys: [Labels] = []
    var index: [Labels: Int] = [:]
    /// Keys of all series of one selection (by its first series id), for the fused path.
    private var keysOfSelection: [Int: [Int32]] = [:]

    @inline(__always)
    func keyIndex(_ s: VectorSample, _ key: (Labels) -> Labels) -> Int {
        if s.sid >= 0 { return keyIndex(sid: Int(s.sid)) { key(s.labels) } }
        return keyIndex(labels: key(s.labels))
    }

    /// The key of series `sid`; `key()` computes it on the first call for that series.
    @inline(__always)
    func keyIndex(sid: Int, _ key: () -> Labels) -> Int {
        if sid < keyOfSid.count, keyOfSid[sid] >= 0 { return Int(keyOfSid[sid]) }
        let ki = keyIndex(labels: key())
        if sid >= keyOfSid.count { keyOfSid += repeatElement(-1, count: sid + 1 - keyOfSid.count) }
        keyOfSid[sid] = Int32(truncatingIfNeeded: ki)
        return ki
    }

    /// The keys of every series of a selection (series ids from `sidBase` on), computed on first use.
    func keyIndices(labels: [Labels], sidBase: Int, _ key: (Labels) -> Labels) -> [Int32] {
        if let k = keysOfSelection[sidBase], k.count == labels.count { return k }
        var out: [Int32] = []
        out.reserveCapacity(labels.count)
        for i in 0..<labels.count {
            out.append(Int32(truncatingIfNeeded: keyIndex(sid: sidBase + i) { key(labels[i]) }))
        }
        keysOfSelection[sidBase] = out
        return out
    }

    private func keyIndex(labels k: Labels) -> Int {
        if let i = index[k] { return i }
        let i = keys.count
        index[k] = i
        keys.append(k)
        return i
    }
}

/// Prometheus's `quantile` over plain values (NaNs sort first).
func quantileOf(_ q: Double, _ valuesIn: [Double]) -> Double {
    if valuesIn.isEmpty || q.isNaN { return .nan }
    if q < 0 { return -.infinity }
    if q > 1 { return .infinity }
    let values = valuesIn.sorted { a, b in
        if a.isNaN || b.isNaN { return a.isNaN && !b.isNaN }
        return a < b
    }
    let n = Double(values.count)
    let rank = q * (n - 1)
    let lower = max(0, rank.rounded(.down))
    let upper = min(n - 1, lower + 1)
    let weight = rank - rank.rounded(.down)
    return values[Int(lower)] * (1 - weight) + values[Int(upper)] * weight
}

private struct Group {
    var labels: Labels
    var value: Double
    var kahanC = 0.0
    var mean = 0.0
    var count = 1.0
    var incrementalMean = false
    var dropName: Bool
    var values: [Double] = []
    var members: [VectorSample] = []
}

extension Evaluator {
    /// Aggregations that fold each input sample into its group (no per-group sample lists).
    static let foldingAggregations: Set<Aggregation.Op> = [.sum, .avg, .count, .group, .min, .max, .stddev, .stdvar, .quantile]

    func evalAggregate(_ a: AggregateExpr, _ t: Timestamp) throws(QueryError) -> [VectorSample] {
        let grouping = Set(a.grouping)
        func key(_ l: Labels) -> Labels {
            a.without ? l.removing(grouping.union([LabelName.metricName])) : l.keeping(grouping)
        }
        // Grouping keys come from the per-query cache (once per series, not per step); groups are
        // numbered in order of first appearance in the input.
        let cache = groupKeyCache(a)
        var list: [Group] = []
        // Group of each key at this step (-1: none yet); keys may be added while folding.
        var groupOfKey = [Int32](repeating: -1, count: cache.keys.count)
        func fold(_ ki: Int, _ v: Double, _ dropName: Bool) {
            if ki >= groupOfKey.count { groupOfKey += repeatElement(-1, count: cache.keys.count - groupOfKey.count) }
            let gi = Int(groupOfKey[ki])
            guard gi >= 0 else {
                groupOfKey[ki] = Int32(truncatingIfNeeded: list.count)
                list.append(newGroup(a.op, cache.keys[ki], v, dropName))
                return
            }
            if dropName { list[gi].dropName = true }
            aggregateStep(a.op, &list[gi], v)
        }
        let input: [VectorSample]
        if Evaluator.foldingAggregations.contains(a.op), let c = Evaluator.rangeCallOverSelector(a.expr) {
            // aggregate(range_function(selector[range])): fold each window's value straight into its
            // group, without building the intermediate vector. Same values, same order.
            input = []
            try checkDeadline()
            guard let rc = try prepareRangeCall(c, t), let cursor = rc.r.cursor else { throw .exec("expected range vector") }
            let dropName = !rc.keepName
            let keyOf = cache.keyIndices(labels: cursor.labels, sidBase: cursor.sidBase, key)
            if groupOfKey.count < cache.keys.count { groupOfKey += repeatElement(-1, count: cache.keys.count - groupOfKey.count) }
            keyOf.withUnsafeBufferPointer { keyOf in
                forEachWindowValue(rc, cursor, t) { i, v in fold(Int(keyOf[i]), v, dropName) }
            }
            annotateCounterNames(rc, cursor, c)
        } else {
            input = try evalVector(a.expr, t)
        }
        var param = 0.0
        var label = ""
        if let p = a.param {
            if a.op == .countValues {
                label = try evalString(p, t)
                guard isValidLabelName(label) else {
                    throw .exec("invalid label name \(quotedGo(label))")
                }
            } else {
                param = try evalScalar(p, t)
            }
        }
        switch a.op {
        case .topk, .bottomk:
            if param.isNaN { throw .exec("Parameter value is NaN") }
            return selectK(input, a, k: param, key: key)
        case .countValues:
            var counts: [Labels: Double] = [:]
            var order: [Labels] = []
            for s in input {
                let l = key(s.labels).setting(label, to: FloatFormat.goF(s.value))
                if counts[l] == nil { order.append(l) }
                counts[l, default: 0] += 1
            }
            return order.map { VectorSample($0, counts[$0]!, dropName: false) }
        case .quantile:
            if param.isNaN || param < 0 || param > 1 {
                annotate(.warning, "quantile value should be between 0 and 1, got \(FloatFormat.goG(param))", a.param!.position)
            }
        case .limitk, .limitRatio:
            throw .exec("\(a.op.rawValue) is not supported")
        default: break
        }
        for s in input { fold(cache.keyIndex(s, key), s.value, s.dropName) }
        return list.map { g in
            // An aggregation keeps `__name__` only if grouped by it; then delayed removal still applies.
            VectorSample(g.labels, groupValue(a.op, g, param), dropName: g.dropName && g.labels.metricName != nil)
        }
    }

    private func newGroup(_ op: Aggregation.Op, _ labels: Labels, _ v: Double, _ dropName: Bool) -> Group {
        var g = Group(labels: labels, value: v, dropName: dropName)
        switch op {
        case .count, .group: g.value = 1
        case .stddev, .stdvar:
            g.mean = 0
            g.value = 0
            g.count = 0
            aggregateStep(op, &g, v)
        case .quantile: g.values = [v]
        default: break
        }
        return g
    }

    private func groupValue(_ op: Aggregation.Op, _ g: Group, _ param: Double) -> Double {
        switch op {
        case .sum: return g.value + g.kahanC
        case .avg: return g.incrementalMean ? g.mean + g.kahanC : g.value / g.count + g.kahanC / g.count
        case .stdvar: return g.value / g.count
        case .stddev: return (g.value / g.count).squareRoot()
        case .quantile: return quantileOf(param, g.values)
        default: return g.value
        }
    }

    /// Range query (or subquery) of `aggregate(range_function(selector[range]))` or
    /// `aggregate(selector)` without parameters: evaluated series by series across all steps
    /// instead of step by step (see `StepValueSource`). Each step's groups still fold their
    /// values in series order and appear in order of first member, the errors and annotations
    /// come in step order, so the result is what `evalRange`'s loop gives.
    /// Returns nil when the expression has another shape.
    func evalRangeAggregateOverWindows(_ e: Expr, from: Timestamp, to: Timestamp, step: Int64) throws(QueryError) -> [RangeSeries]? {
        guard case .aggregate(let a) = e.unwrapped, a.param == nil, Evaluator.foldingAggregations.contains(a.op),
              from <= to, let src = try stepValueSource(a.expr) else { return nil }
        let stepCount = Int((to - from) / step) + 1
        let grouping = Set(a.grouping)
        let cache = groupKeyCache(a)
        let keyOf = cache.keyIndices(labels: src.labels, sidBase: src.sidBase) { l in
            a.without ? l.removing(grouping.union([LabelName.metricName])) : l.keeping(grouping)
        }
        let keyCount = cache.keys.count
        // (step, key) -> group cell; keep the table small, else evaluate step by step.
        guard stepCount.multipliedReportingOverflow(by: keyCount).partialValue <= 1 << 20,
              !stepCount.multipliedReportingOverflow(by: keyCount).overflow else { return nil }
        let dropName = src.dropName

        var cellOf = [Int32](repeating: -1, count: stepCount * keyCount)
        var cells: [Group] = []
        var stepGroups = [[Int32]](repeating: [], count: stepCount)
        var read = [Int](repeating: 0, count: stepCount)
        var firstStep = [Int32](repeating: -1, count: src.count)
        for i in 0..<src.count {
            if i & 63 == 63 { try checkDeadline(force: true) }
            let key = Int(keyOf[i])
            let first = forEachStepValue(src, i, from: from, step: step, stepCount: stepCount, read: &read) { s, v in
                let slot = s * keyCount + key
                let cell = Int(cellOf[slot])
                if cell < 0 {
                    cellOf[slot] = Int32(truncatingIfNeeded: cells.count)
                    stepGroups[s].append(Int32(truncatingIfNeeded: cells.count))
                    cells.append(newGroup(a.op, cache.keys[key], v, dropName))
                } else {
                    if dropName { cells[cell].dropName = true }
                    aggregateStep(a.op, &cells[cell], v)
                }
            }
            firstStep[i] = Int32(truncatingIfNeeded: first)
        }
        try replaySteps(src, e, stepCount: stepCount, read: read, firstStep: firstStep)
        var index: [Labels: Int] = [:]
        var out: [RangeSeries] = []
        var total = 0
        for s in 0..<stepCount {
            let t = from + Int64(s) * step
            for cell in stepGroups[s] {
                let g = cells[Int(cell)]
                let point = Sample(t: t, v: groupValue(a.op, g, 0))
                if let i = index[g.labels] {
                    if out[i].points.last?.t == t { throw .exec("vector cannot contain metrics with the same labelset") }
                    out[i].points.append(point)
                } else {
                    index[g.labels] = out.count
                    var rs = RangeSeries(labels: g.labels, points: [point])
                    rs.dropName = g.dropName && g.labels.metricName != nil
                    out.append(rs)
                }
            }
            total += stepGroups[s].count
            notePeak(total)
            if total > options.maxSamples { throw QueryError(.tooManySamples, tooManySamplesMessage) }
        }
        return out
    }

    func groupKeyCache(_ a: AggregateExpr) -> GroupKeyCache {
        let sig = GroupingSignature(grouping: a.grouping, without: a.without)
        if let c = groupKeyCaches[sig] { return c }
        let c = GroupKeyCache()
        if sidCount > 0 { c.keyOfSid.reserveCapacity(sidCount) }
        groupKeyCaches[sig] = c
        return c
    }

    private func aggregateStep(_ op: Aggregation.Op, _ g: inout Group, _ v: Double) {
        switch op {
        case .sum: (g.value, g.kahanC) = kahanSumInc(v, g.value, g.kahanC)
        case .avg:
            g.count += 1
            if !g.incrementalMean {
                let (nv, nc) = kahanSumInc(v, g.value, g.kahanC)
                if !nv.isInfinite { (g.value, g.kahanC) = (nv, nc); return }
                g.incrementalMean = true
                g.mean = g.value / (g.count - 1)
                g.kahanC /= g.count - 1
            }
            let q = (g.count - 1) / g.count
            (g.mean, g.kahanC) = kahanSumInc(v / g.count, q * g.mean, q * g.kahanC)
        case .count: g.value += 1
        case .group: break
        case .max: if g.value < v || g.value.isNaN { g.value = v }
        case .min: if g.value > v || g.value.isNaN { g.value = v }
        case .stddev, .stdvar:
            g.count += 1
            let delta = v - g.mean
            g.mean += delta / g.count
            g.value += delta * (v - g.mean)
        case .quantile: g.values.append(v)
        default: break
        }
    }

    private func selectK(_ input: [VectorSample], _ a: AggregateExpr, k kf: Double, key: (Labels) -> Labels) -> [VectorSample] {
        guard kf >= 1 else { return [] }
        let k = kf >= Double(Int.max / 2) ? Int.max / 2 : Int(kf)
        let top = a.op == .topk
        // `better(a, b)`: a ranks before b. NaN always ranks last.
        func better(_ x: Double, _ y: Double) -> Bool {
            if x.isNaN { return false }
            if y.isNaN { return true }
            return top ? x > y : x < y
        }
        var groups: [Labels: Int] = [:]
        var lists: [[VectorSample]] = []
        for s in input {
            let gk = key(s.labels)
            let gi: Int
            if let i = groups[gk] { gi = i } else { gi = lists.count; groups[gk] = gi; lists.append([]) }
            if lists[gi].count < k {
                lists[gi].append(s)
            } else if let worst = lists[gi].indices.max(by: { better(lists[gi][$0].value, lists[gi][$1].value) }),
                      better(s.value, lists[gi][worst].value) {
                lists[gi][worst] = s
            }
        }
        var out: [VectorSample] = []
        for l in lists {
            out += l.enumerated().sorted { x, y in
                if better(x.element.value, y.element.value) { return true }
                if better(y.element.value, x.element.value) { return false }
                return x.offset < y.offset
            }.map(\.element)
        }
        return out
    }
}

/// Prometheus 3 accepts any non-empty UTF-8 label name (Swift strings are always valid UTF-8).
func isValidLabelName(_ s: String) -> Bool { !s.isEmpty && !s.unicodeScalars.contains("\u{FFFD}") }
