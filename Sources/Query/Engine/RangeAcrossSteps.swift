import Model

/// What one selection gives at every step of a range evaluation, read series by series across
/// all steps instead of step by step: the windows of a range function over a matrix selector,
/// or the newest sample of an instant vector selector. Each series' samples are then read while
/// in cache, its position only moves forward, and no per-step vector is built. The fused range
/// paths (`evalRangeAcrossSteps`, `evalRangeAggregateOverWindows`) produce exactly what
/// `evalRange`'s step loop gives, statistics, limits and annotations included.
struct StepValueSource {
    enum Kind {
        case windows(fn: RangeFunction, cursor: RangeCursor, ms: MatrixSelector, range: Int64, offset: Int64)
        case selector(vs: VectorSelector, series: [StoredSeries], offset: Int64)
    }
    let kind: Kind
    let labels: [Labels]
    let sidBase: Int
    /// The function drops `__name__` (delayed, as its step-by-step result would).
    let dropName: Bool
    /// The rate()/increase() counter-name info applies.
    let isCounterFunction: Bool
    /// Samples read at a step are checked against `--query.max-samples` (matrix selectors).
    var checksReadLimit: Bool { if case .windows = kind { return true } else { return false } }
    var count: Int { labels.count }
}

extension Evaluator {
    /// The source for `e` when it is `range_function(selector[range])` without parameters or a
    /// plain instant selector (no `smoothed`/`anchored`); nil otherwise.
    func stepValueSource(_ e: Expr) throws(QueryError) -> StepValueSource? {
        switch e.unwrapped {
        case .vectorSelector(let vs) where !vs.smoothed && !vs.anchored:
            let series = try series(vs)
            return StepValueSource(kind: .selector(vs: vs, series: series, offset: ms(vs.offsetExpr, vs.offset)),
                                   labels: series.map(\.labels), sidBase: try sidBase(vs), dropName: false, isCounterFunction: false)
        case .call:
            guard let c = Evaluator.rangeCallOverSelector(e), let fn = RangeFunction(rawValue: c.function.name),
                  fn != .quantileOverTime, fn != .predictLinear, fn != .doubleExponentialSmoothing,
                  case .matrixSelector(let m) = c.args[0].unwrapped, !m.vector.smoothed, !m.vector.anchored else { return nil }
            let cursor = try rangeCursor(m)
            return StepValueSource(kind: .windows(fn: fn, cursor: cursor, ms: m, range: ms(m.rangeExpr, m.range), offset: ms(m.vector.offsetExpr, m.vector.offset)),
                                   labels: cursor.labels, sidBase: cursor.sidBase,
                                   dropName: !(fn == .lastOverTime || fn == .firstOverTime), isCounterFunction: fn == .rate || fn == .increase)
        default:
            return nil
        }
    }

    /// Calls `body(step, value)` for every step at which series `i` of `src` has a value, in
    /// step order; adds the samples it read per step to `read`. Returns the first step whose
    /// window held samples (rate()'s counter-name info is due there), or -1.
    @inline(__always)
    func forEachStepValue(_ src: StepValueSource, _ i: Int, from: Timestamp, step: Int64, stepCount: Int,
                          read: inout [Int], _ body: (Int, Double) -> Void) -> Int {
        var first = -1
        switch src.kind {
        case .selector(let vs, let series, let offset):
            let samples = series[i].samples
            let lookback = options.lookbackDelta
            samples.withUnsafeBufferPointer { buf in
                var idx = -1
                for s in 0..<stepCount {
                    let ts = resolve(vs.at, from + Int64(s) * step) - offset
                    while idx + 1 < buf.count, buf[idx + 1].t <= ts { idx += 1 }
                    guard idx >= 0 else { continue }
                    let p = buf[idx]
                    guard p.t > ts - lookback, !p.v.isStaleMarker else { continue }
                    read[s] += 1
                    if first < 0 { first = s }
                    body(s, p.v)
                }
            }
        case .windows(let fn, let cursor, let ms, let range, let offset):
            let isCounterFn = src.isCounterFunction
            cursor.samples.withUnsafeBufferPointer { buf in
                cursor.decreases.withUnsafeBufferPointer { dec in
                    let limit = cursor.bounds[i + 1]
                    var lo = cursor.bounds[i], hi = lo
                    for s in 0..<stepCount {
                        let t = from + Int64(s) * step
                        let end = resolve(ms.vector.at, t) - offset
                        let start = end - range
                        while lo < limit && buf[lo].t <= start { lo += 1 }
                        if hi < lo { hi = lo }
                        while hi < limit && buf[hi].t <= end { hi += 1 }
                        guard lo < hi else { continue }
                        read[s] += hi - lo
                        if first < 0 { first = s }
                        let r = RangeResult(series: [], cursor: nil, start: start, end: end, range: range)
                        let p = Points(rebasing: buf[lo..<hi])
                        let value = isCounterFn
                            ? extrapolatedRate(p, r, isCounter: true, isRate: fn == .rate, noResets: dec[hi - 1] == dec[lo])
                            : rangeValue(fn, p, r, t, 0, 0)
                        if let v = value { body(s, v) }
                    }
                }
            }
        }
        return first
    }

    /// Range query (or subquery) of a plain instant selector or `range_function(selector[range])`,
    /// series by series (see `StepValueSource`). Nil when `e` has another shape.
    func evalRangeAcrossSteps(_ e: Expr, from: Timestamp, to: Timestamp, step: Int64) throws(QueryError) -> [RangeSeries]? {
        guard from <= to, let src = try stepValueSource(e) else { return nil }
        let stepCount = Int((to - from) / step) + 1
        var read = [Int](repeating: 0, count: stepCount)
        var produced = [Int](repeating: 0, count: stepCount)
        var firstStep = [Int32](repeating: -1, count: src.count)
        var out: [RangeSeries] = []
        for i in 0..<src.count {
            if i & 63 == 63 { try checkDeadline(force: true) }
            var points: [Sample] = []
            points.reserveCapacity(stepCount)
            let first = forEachStepValue(src, i, from: from, step: step, stepCount: stepCount, read: &read) { s, v in
                points.append(Sample(t: from + Int64(s) * step, v: v))
                produced[s] += 1
            }
            firstStep[i] = Int32(truncatingIfNeeded: first)
            guard !points.isEmpty else { continue }
            var rs = RangeSeries(labels: src.labels[i], points: points)
            rs.dropName = src.dropName
            out.append(rs)
        }
        try replaySteps(src, e, stepCount: stepCount, read: read, firstStep: firstStep)
        // The step loop's running output count, checked after every step.
        var total = 0
        for s in 0..<stepCount {
            total += produced[s]
            notePeak(total)
            if total > options.maxSamples { throw QueryError(.tooManySamples, tooManySamplesMessage) }
        }
        return out
    }

    /// The per-step bookkeeping of the step loop, in step order: deadline, samples read
    /// (statistics and, for matrix selectors, the sample limit) and rate()'s counter-name info.
    func replaySteps(_ src: StepValueSource, _ e: Expr, stepCount: Int, read: [Int], firstStep: [Int32]) throws(QueryError) {
        var annotateAt: [[Int]] = []
        var call: Call?
        if src.isCounterFunction, case .windows(_, let cursor, _, _, _) = src.kind, let c = Evaluator.rangeCallOverSelector(innerCall(e)) {
            call = c
            annotateAt = Array(repeating: [], count: stepCount)
            for i in 0..<src.count where firstStep[i] >= 0 && !cursor.counterChecked[i] { annotateAt[Int(firstStep[i])].append(i) }
        }
        for s in 0..<stepCount {
            try checkDeadline(force: true)
            totalSamples += Int64(read[s])
            notePeak(read[s])
            if src.checksReadLimit, read[s] > options.maxSamples { throw QueryError(.tooManySamples, tooManySamplesMessage) }
            if let c = call, case .windows(_, let cursor, _, _, _) = src.kind {
                for i in annotateAt[s] {
                    cursor.counterChecked[i] = true
                    annotateCounterName(cursor.labels[i], c)
                }
            }
        }
    }

    /// The range-function call of `e` or of an aggregation over it.
    private func innerCall(_ e: Expr) -> Expr {
        if case .aggregate(let a) = e.unwrapped { return a.expr }
        return e
    }
}
