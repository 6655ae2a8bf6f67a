public import Model

/// Which series a query reads, and over which time range: one entry per distinct matcher set,
/// widened to cover every selector using it (Prometheus's `FindMinMaxTime` and
/// `getTimeRangesForSelector`). Lets the HTTP API read storage once, asynchronously, before
/// the engine evaluates, instead of loading whole series histories.
public struct SelectionPlan: Sendable {
    /// A matcher set and the time range to read for it.
    public struct Selection: Sendable {
        public var matchers: [Matcher]
        public var mint: Timestamp
        public var maxt: Timestamp
        /// Set when every use is a plain instant selector evaluated on one grid of times (the
        /// query's steps, or one instant): then only the newest sample at or before each grid
        /// time can matter, and the prefetch keeps just those.
        public var grid: StepGrid?
    }

    /// Evaluation times `first, first + step, …, last`, in sample time (offset applied).
    public struct StepGrid: Sendable, Equatable {
        public var first: Timestamp
        public var last: Timestamp
        public var step: Int64

        /// The smallest grid time at or after `t`, or nil past the last one.
        func next(atOrAfter t: Timestamp) -> Timestamp? {
            if t <= first { return first }
            if t > last || step <= 0 { return nil }
            let k = (t - first + step - 1) / step
            let g = first + k * step
            return g <= last ? g : nil
        }
    }

    public private(set) var selections: [Selection] = []

    /// The union of all ranges (the querier's range).
    public var mint: Timestamp { selections.map(\.mint).min() ?? 0 }
    public var maxt: Timestamp { selections.map(\.maxt).max() ?? 0 }

    /// Plans `expr` evaluated from `start` to `end` (equal for instant queries).
    public init(_ expr: Expr, start: Timestamp, end: Timestamp, step: Int64, lookbackDelta: Int64) {
        let context = Context(start: start, end: end, step: step, lookback: lookbackDelta)
        walk(expr, context, PathState())
    }

    struct Context {
        let start: Timestamp, end: Timestamp, step: Int64, lookback: Int64
        func ms(_ e: DurationExpr?, _ constant: Int64) -> Int64 { e?.milliseconds(step: step, range: end - start) ?? constant }
        func resolve(_ at: AtModifier) -> Timestamp {
            switch at {
            case .timestamp(let t): return t
            case .start: return start
            case .end: return end
            }
        }
    }

    /// What enclosing subqueries add on the way down to a selector.
    struct PathState {
        var range: Int64 = 0
        var offset: Int64 = 0
        var at: Timestamp?
    }

    private mutating func walk(_ e: Expr, _ c: Context, _ p: PathState) {
        switch e {
        case .number, .string: return
        case .paren(let inner, _): walk(inner, c, p)
        case .unary(let u): walk(u.expr, c, p)
        case .binary(let b): walk(b.lhs, c, p); walk(b.rhs, c, p)
        case .call(let call): for a in call.args { walk(a, c, p) }
        case .aggregate(let a):
            if let param = a.param { walk(param, c, p) }
            walk(a.expr, c, p)
        case .vectorSelector(let vs): add(vs, range: 0, c, p)
        case .matrixSelector(let ms): add(ms.vector, range: c.ms(ms.rangeExpr, ms.range), c, p)
        case .subquery(let sq):
            var inner = p
            inner.range += c.ms(sq.rangeExpr, sq.range)
            inner.offset += c.ms(sq.offsetExpr, sq.offset)
            if let at = sq.at {
                inner.at = c.resolve(at)
                inner.range = c.ms(sq.rangeExpr, sq.range)
                inner.offset = c.ms(sq.offsetExpr, sq.offset)
            }
            walk(sq.expr, c, inner)
        }
    }

    private mutating func add(_ vs: VectorSelector, range: Int64, _ c: Context, _ p: PathState) {
        var start = c.start, end = c.end
        if let at = p.at { start = at; end = at }
        if let at = vs.at { start = c.resolve(at); end = start }
        let offset = c.ms(vs.offsetExpr, vs.offset) + (vs.at == nil ? p.offset : 0)
        let subRange = vs.at == nil ? p.range : 0
        var grid: StepGrid?
        if range == 0, subRange == 0, !vs.smoothed {
            grid = StepGrid(first: start - offset, last: end - offset, step: start == end ? 0 : c.step)
        }
        start -= subRange + (range > 0 ? range : c.lookback) + offset
        end -= offset
        if let i = selections.firstIndex(where: { $0.matchers == vs.matchers }) {
            let sameGrid = grid != nil && selections[i].grid == grid && selections[i].mint == start && selections[i].maxt == end
            selections[i].mint = min(selections[i].mint, start)
            selections[i].maxt = max(selections[i].maxt, end)
            if !sameGrid { selections[i].grid = nil }
        } else {
            selections.append(Selection(matchers: vs.matchers, mint: start, maxt: end, grid: grid))
        }
    }
}

/// A `SeriesSource` over series read ahead of evaluation (see `SelectionPlan`).
public final class PrefetchedSeriesSource: SeriesSource, @unchecked Sendable {  // safe: immutable after init
    private let byMatchers: [[Matcher]: [StoredSeries]]
    /// What the storage could not read (e.g. a chunk that failed its checksum); the API
    /// returns these as the response's `warnings`, as Prometheus does for storage warnings.
    public let storageWarnings: [String]

    /// Series and samples held, for the runner's choice of where to evaluate.
    public let seriesCount: Int
    public let sampleCount: Int

    public init(_ byMatchers: [[Matcher]: [StoredSeries]], storageWarnings: [String] = []) {
        self.byMatchers = byMatchers
        self.storageWarnings = storageWarnings
        var series = 0, samples = 0
        for list in byMatchers.values {
            series += list.count
            for s in list { samples += s.samples.count }
        }
        seriesCount = series
        sampleCount = samples
    }

    public func select(matchers: [Matcher], mint: Timestamp, maxt: Timestamp) throws -> [StoredSeries] {
        guard let all = byMatchers[matchers] else { return [] }
        if mint <= Timestamp.min / 4, maxt >= Timestamp.max / 4 { return all }
        return all.compactMap { s in
            let lo = s.samples.partitionPoint { $0.t < mint }
            let hi = s.samples.partitionPoint { $0.t <= maxt }
            return lo < hi ? StoredSeries(labels: s.labels, samples: Array(s.samples[lo..<hi])) : nil
        }
    }
}
