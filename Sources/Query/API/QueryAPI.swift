public import Model
public import Storage

/// Prometheus's read API (`web/api/v1/api.go`): `query`, `query_range`, `series`, `labels`,
/// `label/<name>/values`, `format_query`. Each handler takes the request's parameters and
/// returns an `APIResult` (data already rendered to JSON bytes), so the parameter rules,
/// error types and messages are testable without HTTP; `QueryAPI+Routes` mounts them.
public struct QueryAPI: Sendable {
    /// Runs the PromQL queries.
    public let runner: QueryRunner
    /// Answers series and label look-ups (usually the same storage as the runner's).
    public let queryable: any Queryable
    /// The current time (the default `time` of an instant query).
    public let now: @Sendable () -> Timestamp

    /// Largest form body read from a POST: `--web.max-request-body-size` (default 10 MiB, as
    /// Go's `http.Server` reads forms).
    public var maxFormBytes = 10 << 20

    /// Prometheus's cap on points per series of a range query.
    public static let maxPointsPerSeries: Int64 = 11_000

    /// - Parameters:
    ///   - runner: evaluates PromQL (its options carry the engine flags).
    ///   - queryable: storage for `series` and `labels`.
    ///   - now: clock for defaults; tests inject a fixed one.
    public init(runner: QueryRunner, queryable: any Queryable, now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.runner = runner
        self.queryable = queryable
        self.now = now
    }

    /// `GET|POST /api/v1/query`: `query`, `time` (default now), `timeout`, `limit`,
    /// `lookback_delta`, `stats`.
    public func query(_ p: APIParams) async -> APIResult {
        let limit: Int
        do { limit = try APIParse.limit(p.value("limit")) } catch { return .invalidParam("limit", error) }
        let t: Timestamp
        do { t = p.value("time").isEmpty ? now() : try APIParse.time(p.value("time")) } catch {
            return .invalidParam("time", error)
        }
        let options: QueryOptions
        switch queryOptions(p) {
        case .success(let o): options = o
        case .failure(let e): return e
        }
        let text = p.value("query")
        return await placed(cost: estimatedCost(text, start: t, end: t, step: 0, lookbackDelta: options.lookbackDelta)) {
            do throws(QueryError) {
                let result = try await runner.instant(text, at: t, timeout: options.timeout, lookbackDelta: options.lookbackDelta)
                return answer(result, at: t, limit: limit, stats: p.value("stats"))
            } catch {
                return Self.apiError(error)
            }
        }
    }

    /// `GET|POST /api/v1/query_range`: `query`, `start`, `end`, `step`, `timeout`, `limit`,
    /// `lookback_delta`, `stats`.
    public func queryRange(_ p: APIParams) async -> APIResult {
        let limit: Int
        do { limit = try APIParse.limit(p.value("limit")) } catch { return .invalidParam("limit", error) }
        let start: Timestamp, end: Timestamp, step: Int64
        do { start = try APIParse.time(p.value("start")) } catch { return .invalidParam("start", error) }
        do { end = try APIParse.time(p.value("end")) } catch { return .invalidParam("end", error) }
        if end < start { return .failure(.badData, "end timestamp must not be before start time") }
        do { step = try APIParse.duration(p.value("step")) } catch { return .invalidParam("step", error) }
        if step <= 0 {
            return .failure(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        // For safety, limit the number of returned points per timeseries (Prometheus's comment:
        // enough for 60s resolution for a week or 1h resolution for a year).
        if (end - start) / step > Self.maxPointsPerSeries {
            return .failure(.badData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        let options: QueryOptions
        switch queryOptions(p) {
        case .success(let o): options = o
        case .failure(let e): return e
        }
        let text = p.value("query")
        if let expr = try? parseExpr(text), expr.type != .scalar, expr.type != .vector {
            return .invalidParam("query", APIParse.Failure(message: "invalid expression type \(quotedGo(expr.type.rawValue)) for range query, must be Scalar or instant Vector"))
        }
        return await placed(cost: estimatedCost(text, start: start, end: end, step: step, lookbackDelta: options.lookbackDelta)) {
            do throws(QueryError) {
                let result = try await runner.range(text, start: start, end: end, step: step, timeout: options.timeout, lookbackDelta: options.lookbackDelta)
                return answer(result, at: nil, limit: limit, stats: p.value("stats"))
            } catch {
                return Self.apiError(error)
            }
        }
    }

    /// `GET|POST /api/v1/format_query`: the query printed back in canonical form.
    public func formatQuery(_ p: APIParams) -> APIResult {
        do {
            let expr = try parseExpr(p.value("query"))
            var w = JSONWriter()
            w.string(expr.description)
            return .success(w.bytes)
        } catch {
            return .invalidParam("query", error)
        }
    }

    /// `GET|POST /api/v1/parse_query`: the query's syntax tree as JSON (Prometheus's `translateAST`).
    public func parseQuery(_ p: APIParams) -> APIResult {
        do {
            return .success(ASTJSON.render(try parseExpr(p.value("query"))))
        } catch {
            return .invalidParam("query", error)
        }
    }

    /// Prometheus's `returnAPIError` plus the parse errors `NewInstantQuery` reports.
    static func apiError(_ error: QueryError) -> APIResult {
        switch error.kind {
        case .parse: return .invalidParam("query", error)
        case .execution, .tooManySamples: return .failure(.execution, error.message)
        case .timeout: return .failure(.timeout, error.message)
        case .storage: return .failure(.internal, error.message)
        }
    }

    /// The success envelope: `limit` truncation (with Prometheus's warning), the `stats`
    /// member when asked for, and a warning for a `stats` value Prometheus deprecates.
    private func answer(_ result: QueryResult, at t: Timestamp?, limit: Int, stats: String) -> APIResult {
        var value = result.value
        var warnings = result.storageWarnings + result.warnings.map(\.description)
        if limit > 0 {
            let (cut, truncated) = value.truncated(to: limit)
            value = cut
            if truncated { warnings.append("results truncated due to limit") }
        }
        if !["", "true", "all"].contains(stats) {
            warnings.append("value \(quotedGo(stats)) for parameter \"stats\" is deprecated and will be rejected in the next major release, use \"true\" or \"all\"")
        }
        let data = QueryJSON.data(value, at: t, stats: stats.isEmpty ? nil : result.stats)
        return .success(data, warnings: warnings, infos: result.infos.map(\.description))
    }

    /// Per-request engine settings: `timeout` and `lookback_delta`.
    struct QueryOptions {
        var timeout: Duration?
        var lookbackDelta: Int64?
    }

    private func queryOptions(_ p: APIParams) -> Result<QueryOptions, APIResult> {
        var o = QueryOptions()
        if !p.value("timeout").isEmpty {
            do { o.timeout = .milliseconds(try APIParse.duration(p.value("timeout"))) } catch {
                return .failure(.invalidParam("timeout", error))
            }
        }
        if !p.value("lookback_delta").isEmpty {
            do { o.lookbackDelta = try APIParse.duration(p.value("lookback_delta")) } catch {
                return .failure(.failure(.badData, "error parsing lookback delta duration: \(error)"))
            }
        }
        return .success(o)
    }
}

extension APIResult: Error {}
