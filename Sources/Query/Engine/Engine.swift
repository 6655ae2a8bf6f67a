public import Model

/// Engine settings; the defaults are Prometheus's.
public struct EngineOptions: Sendable {
    /// How far back an instant selector looks for a sample (ms). Default 5m.
    public var lookbackDelta: Int64 = 300_000
    /// Maximum number of samples a query may hold. Default 50,000,000.
    public var maxSamples = 50_000_000
    /// Maximum evaluation time. Default 2 minutes.
    public var timeout: Duration = .seconds(120)
    /// Step of subqueries without an explicit resolution (ms). Default 1m.
    public var defaultSubqueryStep: Int64 = 60_000

    /// Creates the default options.
    public init() {}
}

/// The PromQL engine: parses and evaluates instant and range queries against a `SeriesSource`.
///
/// Stateless apart from its options; safe to share. Each query creates its own evaluator,
/// which selects every selector's series once and then evaluates step by step.
public struct Engine: Sendable {
    /// The settings.
    public var options: EngineOptions

    /// Creates an engine.
    public init(options: EngineOptions = EngineOptions()) { self.options = options }

    /// Evaluates `query` at time `t`.
    /// - Returns: A scalar, string, vector or (for range selectors and subqueries) matrix.
    /// - Throws: `QueryError` for parse and evaluation errors, limits and timeouts.
    public func instantQuery(_ query: String, at t: Timestamp, source: any SeriesSource) throws(QueryError) -> QueryResult {
        let expr = try parse(query)
        let ev = Evaluator(source: source, options: options, start: t, end: t, query: query)
        var value = try ev.eval(expr, t)
        switch value {
        case .vector(let v): value = .vector(try Engine.finalize(v))
        case .matrix(let m): value = .matrix(try Engine.finalize(m))
        default: break
        }
        ev.notePeak(value.sampleCount)
        return QueryResult(value: value, annotations: ev.annotations, stats: ev.statistics)
    }

    /// Evaluates `query` at every step from `start` to `end` inclusive.
    /// - Returns: A matrix sorted by labels (a scalar query gives one series with no labels).
    /// - Throws: `QueryError`, also when the expression is not a scalar or instant vector.
    public func rangeQuery(_ query: String, start: Timestamp, end: Timestamp, step: Int64,
                           source: any SeriesSource) throws(QueryError) -> QueryResult {
        let expr = try parse(query)
        guard step > 0 else { throw .exec("zero or negative query resolution step widths are not accepted") }
        guard end >= start else { throw .exec("end timestamp must not be before start time") }
        let ty = expr.type
        guard ty == .scalar || ty == .vector else {
            throw .exec("invalid expression type \(quotedGo(ty.rawValue)) for range query, must be Scalar or instant Vector")
        }
        let ev = Evaluator(source: source, options: options, start: start, end: end, query: query)
        if end > start { ev.queryStep = step }
        if case .call(let c) = expr.unwrapped, c.function.name.hasPrefix("sort") {
            ev.annotate(.warning, "sort is ineffective for range queries since results are always ordered by labels", c.position)
        }
        let m = try ev.evalRange(expr, from: start, to: end, step: step)
        return QueryResult(value: .matrix(try Engine.finalize(m)), annotations: ev.annotations, stats: ev.statistics)
    }

    func parse(_ query: String) throws(QueryError) -> Expr {
        do {
            return try parseExpr(query)
        } catch {
            throw QueryError(.parse, error.description)
        }
    }

    /// Delayed name removal, then the duplicate-labelset check.
    static func finalize(_ v: [VectorSample]) throws(QueryError) -> [VectorSample] {
        var out = v
        var seen: Set<Labels> = []
        for i in out.indices {
            if out[i].dropName { out[i].labels = out[i].labels.droppingMetricName(); out[i].dropName = false }
            if !seen.insert(out[i].labels).inserted { throw .exec("vector cannot contain metrics with the same labelset") }
        }
        return out
    }

    /// Series that end up with the same labels are merged when their points do not overlap in time.
    static func finalize(_ m: [RangeSeries]) throws(QueryError) -> [RangeSeries] {
        // Without name dropping the series' labels are unique already (evalRange keys them by
        // labels); skip the hashing and, when they came in label order, the sort.
        if !m.contains(where: \.dropName) {
            if zip(m, m.dropFirst()).allSatisfy({ $0.labels < $1.labels }) { return m }
            return m.sorted { $0.labels < $1.labels }
        }
        var out: [RangeSeries] = []
        var index: [Labels: Int] = [:]
        for var s in m {
            if s.dropName { s.labels = s.labels.droppingMetricName(); s.dropName = false }
            guard let i = index[s.labels] else {
                index[s.labels] = out.count
                out.append(s)
                continue
            }
            let merged = (out[i].points + s.points).sorted { $0.t < $1.t }
            for j in merged.indices.dropFirst() where merged[j].t == merged[j - 1].t {
                throw .exec("vector cannot contain metrics with the same labelset")
            }
            out[i].points = merged
        }
        return out.sorted { $0.labels < $1.labels }
    }
}
