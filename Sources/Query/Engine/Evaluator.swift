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
    /// The first series id (`VectorSample.sid`) of each selector's selection.
    private var sidBases: [Int: Int] = [:]
    /// Series ids handed out so far.
    private(set) var sidCount = 0
    /// Window state of each matrix selector, by selector id.
    private var cursors: [Int: RangeCursor] = [:]
    /// Per instant selector: each series' index of its newest sample at or before `time`.
    private var vectorCursors: [Int: VectorCursor] = [:]

    struct VectorCursor {
        var positions: [Int]
        var time: Timestamp
    }
    /// Grouping keys by series id, per grouping (see `Aggregations.swift`).
    var groupKeyCaches: [GroupingSignature: GroupKeyCache] = [:]
    private(set) var annotations: [Annotation] = []
    /// Metric names already checked by rate()'s counter-name info, so a range query does not
    /// rebuild the same annotation text for every series at every step (a profiled hot spot).
    var counterNamesChecked: Set<String> = []
    private var seenAnnotations: Set<Annotation> = []
    private var ticks = 0
    /// Samples read from the selection, summed over every step (`stats`' `totalQueryableSamples`).
    var totalSamples: Int64 = 0
    /// The most samples held at one check of `--query.max-samples` (`stats`' `peakSamples`).
    private(set) var peakSamples = 0

    /// The engine's share of the query's statistics.
    var statistics: QueryStatistics {
        var s = QueryStatistics()
        s.totalQueryableSamples = totalSamples
        s.peakSamples = peakSamples
        return s
    }

    /// Records `count` samples held now; the peak is what `stats` reports.
    @inline(__always) func notePeak(_ count: Int) { if count > peakSamples { peakSamples = count } }

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
            throw QueryError(.timeout, "query timed out in expression evaluation")
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
        sidBases[vs.id] = sidCount
        sidCount += s.count
        return s
    }

    /// The series id of the selector's first series (the others follow in order).
    func sidBase(_ vs: VectorSelector) throws(QueryError) -> Int {
        if let b = sidBases[vs.id] { return b }
        _ = try series(vs)
        return sidBases[vs.id]!
    }

    func eval(_ e: Expr, _ t: Timestamp) throws(QueryError) -> QueryValue {
        try checkDeadline()
        switch e {
        case .number(let n): return .scalar(n.value)
        case .string(let s): return .string(s.value)
        case .paren(let inner, _): return try eval(inner, t)
        case .vectorSelector(let vs): return .vector(try evalVectorSelector(vs, t))
        case .matrixSelector(let ms): return .matrix(try evalMatrixSelector(ms, t).materialized())
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
        let base = try sidBase(vs)
        let selected = try series(vs)
        // Steps of a range query only move forward: each series' position moves on from the
        // previous step's instead of a binary search per series and step.
        var cursor = vectorCursors[vs.id] ?? VectorCursor(positions: [Int](repeating: -1, count: selected.count), time: .min)
        let forward = ts >= cursor.time
        defer { cursor.time = ts; vectorCursors[vs.id] = cursor }
        vectorCursors[vs.id] = nil  // keep the positions uniquely referenced while they change
        for (i, s) in selected.enumerated() {
            var idx: Int
            if forward, cursor.positions[i] >= 0 {
                idx = cursor.positions[i]
                while idx + 1 < s.samples.count, s.samples[idx + 1].t <= ts { idx += 1 }
            } else {
                idx = s.samples.partitionPoint { $0.t <= ts } - 1
            }
            cursor.positions[i] = idx
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
            var sample = VectorSample(labels: s.labels, value: v, t: p.t)
            sample.sid = Int32(truncatingIfNeeded: base + i)
            out.append(sample)
        }
        totalSamples += Int64(out.count)
        notePeak(out.count)
        return out
    }

    /// A range vector with the window it covers, as range functions need it for extrapolation.
    /// A matrix selector's windows are index ranges into its `RangeCursor` (no copies);
    /// a subquery's are materialised series.
    struct RangeResult {
        var series: [RangeSeries]
        var cursor: RangeCursor?
        var start: Timestamp
        var end: Timestamp
        var range: Int64

        var isEmpty: Bool { cursor.map { $0.nonEmptyCount == 0 } ?? series.isEmpty }

        /// The windows as series (an instant query of a range selector returns them).
        func materialized() -> [RangeSeries] {
            guard let c = cursor else { return series }
            var out: [RangeSeries] = []
            for i in 0..<c.count where c.lo[i] < c.hi[i] {
                out.append(RangeSeries(labels: c.labels[i], points: Array(c.samples[c.lo[i]..<c.hi[i]])))
            }
            return out
        }
    }

    func evalMatrixSelector(_ ms: MatrixSelector, _ t: Timestamp) throws(QueryError) -> RangeResult {
        if ms.vector.smoothed || ms.vector.anchored { throw .exec("anchored and smoothed range selectors are not supported") }
        let range = self.ms(ms.rangeExpr, ms.range)
        let end = resolve(ms.vector.at, t) - self.ms(ms.vector.offsetExpr, ms.vector.offset)
        let start = end - range
        let cursor = try rangeCursor(ms)
        let total = cursor.move(start: start, end: end)
        totalSamples += Int64(total)
        notePeak(total)
        if total > options.maxSamples { throw QueryError(.tooManySamples, tooManySamplesMessage) }
        return RangeResult(series: [], cursor: cursor, start: start, end: end, range: range)
    }

    /// The matrix selector's samples and window state, set up once per query.
    func rangeCursor(_ ms: MatrixSelector) throws(QueryError) -> RangeCursor {
        if let c = cursors[ms.vector.id] { return c }
        let cursor = RangeCursor(try series(ms.vector), sidBase: try sidBase(ms.vector))
        cursors[ms.vector.id] = cursor
        return cursor
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
        if let fast = try evalRangeAggregateOverWindows(e, from: from, to: to, step: step) { return fast }
        if let fast = try evalRangeAcrossSteps(e, from: from, to: to, step: step) { return fast }
        var index: [Labels: Int] = [:]
        // Output series by input series id: the labels lookup is done once per series, not per step.
        var outOfSid: [Int32] = []
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
                if s.sid >= 0 {
                    let sid = Int(s.sid)
                    if sid >= outOfSid.count { outOfSid += repeatElement(-1, count: max(sidCount, sid + 1) - outOfSid.count) }
                    let known = Int(outOfSid[sid])
                    if known >= 0 {
                        if out[known].points.last?.t == t {
                            throw .exec("vector cannot contain metrics with the same labelset")
                        }
                        out[known].points.append(Sample(t: t, v: s.value))
                        continue
                    }
                    outOfSid[sid] = Int32(truncatingIfNeeded: index[s.labels] ?? out.count)
                }
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
            notePeak(total)
            if total > options.maxSamples { throw QueryError(.tooManySamples, tooManySamplesMessage) }
            t += step
        }
        return out
    }

    var tooManySamplesMessage: String { "query processing would load too many samples into memory in query execution" }
}

/// One matrix selector's samples for one query, flattened (stale markers removed, which is what
/// every range function sees), with each series' current window as an index range. Windows of
/// successive steps only move forward, so `move` advances them linearly instead of searching;
/// nothing is copied per step (Prometheus's range evaluation reuses its buffers the same way).
final class RangeCursor {
    let labels: [Labels]
    let sidBase: Int
    /// All series' non-stale samples; series `i` occupies `bounds[i]..<bounds[i + 1]`.
    let samples: [Sample]
    let bounds: [Int]
    /// The current window of series `i` is `lo[i]..<hi[i]`.
    var lo: [Int]
    var hi: [Int]
    /// Series with a non-empty current window.
    private(set) var nonEmptyCount = 0
    /// `decreases[k]`: how many samples of the series holding index `k`, up to and including `k`,
    /// are below their predecessor (counter resets). A window `lo..<hi` has a reset iff
    /// `decreases[hi - 1] != decreases[lo]`. Built on first use.
    lazy var decreases: [Int32] = {
        var out = [Int32](repeating: 0, count: samples.count)
        for i in 0..<count {
            var n: Int32 = 0
            var k = bounds[i] + 1
            while k < bounds[i + 1] {
                if samples[k].v < samples[k - 1].v { n += 1 }
                out[k] = n
                k += 1
            }
        }
        return out
    }()
    /// rate()/increase() counter-name info already checked for series `i`.
    var counterChecked: [Bool]
    private var start = Timestamp.min
    private var end = Timestamp.min
    private var positioned = false

    var count: Int { labels.count }

    init(_ series: [StoredSeries], sidBase: Int) {
        self.sidBase = sidBase
        labels = series.map(\.labels)
        var flat: [Sample] = []
        flat.reserveCapacity(series.reduce(0) { $0 + $1.samples.count })
        var bounds = [0]
        bounds.reserveCapacity(series.count + 1)
        for s in series {
            for p in s.samples where !p.v.isStaleMarker { flat.append(p) }
            bounds.append(flat.count)
        }
        samples = flat
        self.bounds = bounds
        lo = Array(bounds.dropLast())
        hi = lo
        counterChecked = Array(repeating: false, count: series.count)
    }

    /// Moves every window to `(start, end]`; returns the number of samples in all windows.
    func move(start: Timestamp, end: Timestamp) -> Int {
        let forward = positioned && start >= self.start && end >= self.end
        self.start = start
        self.end = end
        positioned = true
        var total = 0, nonEmpty = 0
        samples.withUnsafeBufferPointer { buf in
            bounds.withUnsafeBufferPointer { bounds in
                lo.withUnsafeMutableBufferPointer { lo in
                    hi.withUnsafeMutableBufferPointer { hi in
                        for i in 0..<lo.count {
                            let first = bounds[i], limit = bounds[i + 1]
                            var l: Int, h: Int
                            if forward {
                                l = lo[i]
                                while l < limit && buf[l].t <= start { l += 1 }
                                h = Swift.max(hi[i], l)
                                while h < limit && buf[h].t <= end { h += 1 }
                            } else {
                                l = RangeCursor.firstAfter(buf, first, limit, start)
                                h = RangeCursor.firstAfter(buf, l, limit, end)
                            }
                            lo[i] = l
                            hi[i] = h
                            if l < h { total += h - l; nonEmpty += 1 }
                        }
                    }
                }
            }
        }
        nonEmptyCount = nonEmpty
        return total
    }

    /// The first index in `lo..<hi` whose timestamp is after `t` (`hi` if none).
    private static func firstAfter(_ buf: UnsafeBufferPointer<Sample>, _ lo: Int, _ hi: Int, _ t: Timestamp) -> Int {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = (lo + hi) / 2
            if buf[mid].t <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
