import Model

/// Evaluates one query. Each expression is evaluated at one timestamp at a time; range queries
/// and subqueries call `eval` once per step, which is what Prometheus's step-invariant semantics
/// require (a range query's point at t equals the instant query at t).
final class Evaluator {
    let source: any SeriesSource
    let options: EngineOptions
    let queryStart: Timestamp
    let queryEnd: Timestamp
    /// The range query's step (ms); 0 for instant queries.
    var queryStep: Int64 = 0
    let query: String
    let deadline: ContinuousClock.Instant
    private var selections: [Int: [StoredSeries]] = [:]
    private(set) var annotations: [Annotation] = []
    /// Metric names already checked by rate()'s counter-name info, so a range query does not
    /// rebuild the same annotation text for every series at every step (a profiled hot spot).
    var counterNamesChecked: Set<String> = []
    private var seenAnnotations: Set<Annotation> = []
    private var ticks = 0

    init(source: any SeriesSource, options: EngineOptions, start: Timestamp, end: Timestamp, query: String) {
        self.source = source
        self.options = options
        queryStart = start
        queryEnd = end
        self.query = query
        deadline = ContinuousClock.now.advanced(by: options.timeout)
    }

    func annotate(_ kind: Annotation.Kind, _ message: String, _ position: PositionRange) {
        var a = Annotation(kind: kind, message: message, position: position)
        a.query = query
        if seenAnnotations.insert(a).inserted { annotations.append(a) }
    }

    func checkDeadline(force: Bool = false) throws(QueryError) {
        ticks &+= 1
        if force || ticks & 255 == 0, ContinuousClock.now > deadline {
            throw QueryError(.timeout, "query timed out in query execution")
        }
    }

    func ms(_ e: DurationExpr?, _ constant: Int64) -> Int64 {
        e?.milliseconds(step: queryStep, range: queryEnd - queryStart) ?? constant
    }

    func resolve(_ at: AtModifier?, _ t: Timestamp) -> Timestamp {
        switch at {
        case nil: return t
        case .timestamp(let ts): return ts
        case .start: return queryStart
        case .end: return queryEnd
        }
    }

    /// The series of a selector, selected once per query.
    func series(_ vs: VectorSelector) throws(QueryError) -> [StoredSeries] {
        if let s = selections[vs.id] { return s }
        let s: [StoredSeries]
        do {
            s = try source.select(matchers: vs.matchers, mint: Timestamp.min / 4, maxt: Timestamp.max / 4)
        } catch {
            throw QueryError(.storage, "\(error)")
        }
        selections[vs.id] = s
        return s
    }

    func eval(_ e: Expr, _ t: Timestamp) throws(QueryError) -> QueryValue {
        try checkDeadline()
        switch e {
        case .number(let n): return .scalar(n.value)
        case .string(let s): return .string(s.value)
        case .paren(let inner, _): return try eval(inner, t)
        case .vectorSelector(let vs): return .vector(try evalVectorSelector(vs, t))
        case .matrixSelector(let ms): return .matrix(try evalMatrixSelector(ms, t).series)
        case .subquery(let sq): return .matrix(try evalSubquery(sq, t).series)
        case .unary(let u):
            let v = try eval(u.expr, t)
            guard u.op == .sub else { return v }
            switch v {
            case .scalar(let x): return .scalar(-x)
            case .vector(let vec):
                return .vector(vec.map { VectorSample($0.labels, -$0.value, dropName: true) })
            default: return v
            }
        case .binary(let b): return try evalBinary(b, t)
        case .call(let c): return try evalCall(c, t)
        case .aggregate(let a): return .vector(try evalAggregate(a, t))
        }
    }

    func evalVector(_ e: Expr, _ t: Timestamp) throws(QueryError) -> [VectorSample] {
        switch try eval(e, t) {
        case .vector(let v): return v
        case .scalar(let s): return [VectorSample(.empty, s, dropName: false)]
        default: throw .exec("expected instant vector")
        }
    }

    func evalScalar(_ e: Expr, _ t: Timestamp) throws(QueryError) -> Double {
        switch try eval(e, t) {
        case .scalar(let s): return s
        case .vector(let v): return v.first?.value ?? .nan
        default: throw .exec("expected scalar")
        }
    }

    func evalString(_ e: Expr, _ t: Timestamp) throws(QueryError) -> String {
        if case .string(let s) = try eval(e, t) { return s }
        throw .exec("expected string")
    }

    func evalVectorSelector(_ vs: VectorSelector, _ t: Timestamp) throws(QueryError) -> [VectorSample] {
        let ts = resolve(vs.at, t) - ms(vs.offsetExpr, vs.offset)
        var out: [VectorSample] = []
        for s in try series(vs) {
            let idx = s.samples.partitionPoint { $0.t <= ts } - 1
            guard idx >= 0 else { continue }
            let p = s.samples[idx]
            guard p.t > ts - options.lookbackDelta, !p.v.isStaleMarker else { continue }
            var v = p.v
            if vs.smoothed, p.t < ts, idx + 1 < s.samples.count {
                // Linear interpolation to the next sample, if that one is within the lookback window.
                let n = s.samples[idx + 1]
                if n.t - ts < options.lookbackDelta, !n.v.isStaleMarker {
                    v = p.v + (n.v - p.v) * Double(ts - p.t) / Double(n.t - p.t)
                }
            }
            out.append(VectorSample(labels: s.labels, value: v, t: p.t))
        }
        return out
    }

    /// A range vector with the window it covers, as range functions need it for extrapolation.
    struct RangeResult {
        var series: [RangeSeries]
        var start: Timestamp
        var end: Timestamp
        var range: Int64
    }

    func evalMatrixSelector(_ ms: MatrixSelector, _ t: Timestamp) throws(QueryError) -> RangeResult {
        if ms.vector.smoothed || ms.vector.anchored { throw .exec("anchored and smoothed range selectors are not supported") }
        let range = self.ms(ms.rangeExpr, ms.range)
        let end = resolve(ms.vector.at, t) - self.ms(ms.vector.offsetExpr, ms.vector.offset)
        let start = end - range
        var out: [RangeSeries] = []
        var total = 0
        for s in try series(ms.vector) {
            let lo = s.samples.partitionPoint { $0.t <= start }
            let hi = s.samples.partitionPoint { $0.t <= end }
            guard lo < hi else { continue }
            var pts: [Sample] = []
            pts.reserveCapacity(hi - lo)
            for p in s.samples[lo..<hi] where !p.v.isStaleMarker { pts.append(p) }
            if pts.isEmpty { continue }
            total += pts.count
            out.append(RangeSeries(labels: s.labels, points: pts))
        }
        if total > options.maxSamples { throw QueryError(.tooManySamples, tooManySamplesMessage) }
        return RangeResult(series: out, start: start, end: end, range: range)
    }

    func evalSubquery(_ sq: SubqueryExpr, _ t: Timestamp) throws(QueryError) -> RangeResult {
        let range = ms(sq.rangeExpr, sq.range)
        let end = resolve(sq.at, t) - ms(sq.offsetExpr, sq.offset)
        let start = end - range
        let explicitStep = ms(sq.stepExpr, sq.step)
        let step = explicitStep > 0 ? explicitStep : options.defaultSubqueryStep
        // The first step after `start` that is a multiple of the step (Go's truncating division).
        var first = step * (start / step)
        if first <= start { first += step }
        let series = try evalRange(sq.expr, from: first, to: end, step: step)
        return RangeResult(series: series, start: start, end: end, range: range)
    }

    /// Evaluates `e` at every step of `from...to` and collects the results into series.
    func evalRange(_ e: Expr, from: Timestamp, to: Timestamp, step: Int64) throws(QueryError) -> [RangeSeries] {
        var index: [Labels: Int] = [:]
        var out: [RangeSeries] = []
        var total = 0
        var t = from
        while t <= to {
            try checkDeadline(force: true)
            let samples: [VectorSample]
            switch try eval(e, t) {
            case .scalar(let v): samples = [VectorSample(.empty, v, dropName: false)]
            case .vector(let v): samples = v
            default: throw .exec("subquery or range query over a non-instant expression")
            }
            for s in samples {
                let k = s.labels
                if let i = index[k] {
                    if out[i].points.last?.t == t {
                        throw .exec("vector cannot contain metrics with the same labelset")
                    }
                    out[i].points.append(Sample(t: t, v: s.value))
                } else {
                    index[k] = out.count
                    var rs = RangeSeries(labels: s.labels, points: [Sample(t: t, v: s.value)])
                    rs.dropName = s.dropName
                    out.append(rs)
                }
            }
            total += samples.count
            if total > options.maxSamples { throw QueryError(.tooManySamples, tooManySamplesMessage) }
            t += step
        }
        return out
    }

    var tooManySamplesMessage: String { "query processing would load too many samples into memory in query execution" }
}
