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

    /// `GET|POST /api/v1/query`: `query`, `time` (default now), `timeout`.
    public func query(_ p: APIParams) async -> APIResult {
        let t: Timestamp
        do { t = p.value("time").isEmpty ? now() : try APIParse.time(p.value("time")) } catch {
            return .invalidParam("time", error)
        }
        let timeout: Duration?
        switch parseTimeout(p) {
        case .success(let d): timeout = d
        case .failure(let e): return e
        }
        do {
            let result = try await runner.instant(p.value("query"), at: t, timeout: timeout)
            return .success(QueryJSON.data(result.value, at: t), warnings: result.storageWarnings + result.warnings.map(\.description), infos: result.infos.map(\.description))
        } catch {
            return Self.apiError(error)
        }
    }

    /// `GET|POST /api/v1/query_range`: `query`, `start`, `end`, `step`, `timeout`.
    public func queryRange(_ p: APIParams) async -> APIResult {
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
        let timeout: Duration?
        switch parseTimeout(p) {
        case .success(let d): timeout = d
        case .failure(let e): return e
        }
        let text = p.value("query")
        if let expr = try? parseExpr(text), expr.type != .scalar, expr.type != .vector {
            return .invalidParam("query", APIParse.Failure(message: "invalid expression type \(quotedGo(expr.type.rawValue)) for range query, must be Scalar or instant Vector"))
        }
        do {
            let result = try await runner.range(text, start: start, end: end, step: step, timeout: timeout)
            return .success(QueryJSON.data(result.value), warnings: result.storageWarnings + result.warnings.map(\.description), infos: result.infos.map(\.description))
        } catch {
            return Self.apiError(error)
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

    /// Prometheus's `returnAPIError` plus the parse errors `NewInstantQuery` reports.
    static func apiError(_ error: QueryError) -> APIResult {
        switch error.kind {
        case .parse: return .invalidParam("query", error)
        case .execution, .tooManySamples: return .failure(.execution, error.message)
        case .timeout: return .failure(.timeout, error.message)
        case .storage: return .failure(.internal, error.message)
        }
    }

    private func parseTimeout(_ p: APIParams) -> Result<Duration?, APIResult> {
        let text = p.value("timeout")
        if text.isEmpty { return .success(nil) }
        do {
            return .success(.milliseconds(try APIParse.duration(text)))
        } catch {
            return .failure(.invalidParam("timeout", error))
        }
    }
}

extension APIResult: Error {}
