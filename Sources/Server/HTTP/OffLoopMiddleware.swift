import Hummingbird

/// Moves every request but the light look-ups off the event loop onto Swift's cooperative
/// pool: a PromQL query, a series dump or an export may compute for seconds, and on the loop
/// it would hold up every other connection that loop serves (there is one loop per core).
///
/// Kept on the loop (`LoopPinnedChannel`): GETs of label names and values without `match[]`,
/// health and readiness, build and flag status, format/parse of a query — answers computed in
/// well under a millisecond whatever the size of the database, where two thread hand-offs
/// would be a third of the time — and GETs of queries and series, whose handlers estimate
/// their work from memory and move to the pool when it is large (`QueryAPI.placed`).
struct OffLoopMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .get, Self.staysOnLoop(request.uri.path, query: request.uri.query ?? "") {
            return try await next(request, context)
        }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) { try await next(request, context) }
    }

    /// Paths (of GETs) answered on the event loop, at least to begin with.
    static func staysOnLoop(_ path: String, query: String) -> Bool {
        switch path {
        case "/-/healthy", "/-/ready", "/api/v1/status/buildinfo", "/api/v1/status/flags",
             "/api/v1/status/runtimeinfo", "/api/v1/format_query", "/api/v1/parse_query":
            return true
        case "/api/v1/query", "/api/v1/query_range", "/api/v1/series":
            return true  // the handler leaves the loop itself when the storage expects much work
        case "/api/v1/labels":
            return !query.contains("match")  // a match[] may select every series
        default:
            return path.hasPrefix("/api/v1/label/") && path.hasSuffix("/values") && !query.contains("match")
        }
    }
}
