import Hummingbird

/// Moves every request but the light look-ups off the event loop onto Swift's cooperative
/// pool: a PromQL query, a series dump or an export may compute for seconds, and on the loop
/// it would hold up every other connection that loop serves (there is one loop per core).
///
/// Kept on the loop (`LoopPinnedChannel`): GETs of label names and values without `match[]`,
/// health and readiness, build and flag status, format/parse of a query — answers computed in
/// well under a millisecond whatever the size of the database, where two thread hand-offs
/// would be a third of the time.
struct OffLoopMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .get, Self.staysOnLoop(request.uri.path), !(request.uri.query ?? "").contains("match") {
            return try await next(request, context)
        }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) { try await next(request, context) }
    }

    /// Paths answered on the event loop.
    static func staysOnLoop(_ path: String) -> Bool {
        switch path {
        case "/api/v1/labels", "/-/healthy", "/-/ready", "/api/v1/status/buildinfo", "/api/v1/status/flags",
             "/api/v1/status/runtimeinfo", "/api/v1/format_query", "/api/v1/parse_query":
            return true
        default:
            return path.hasPrefix("/api/v1/label/") && path.hasSuffix("/values")
        }
    }
}
