public import Hummingbird
import HTTPTypes
import NIOCore

extension QueryAPI {
    /// Mounts the read API on `router`, GET and POST for each endpoint.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let api = self
        for path in ["/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels", "/api/v1/format_query", "/api/v1/parse_query"] {
            let handler: @Sendable (Request, Context) async throws -> Response = { request, _ in
                let params = try await Self.params(request, upTo: api.maxFormBytes)
                switch path {
                case "/api/v1/query": return Self.response(await api.query(params))
                case "/api/v1/query_range": return Self.response(await api.queryRange(params))
                case "/api/v1/series": return Self.response(await api.series(params))
                case "/api/v1/labels": return Self.response(await api.labelNames(params))
                case "/api/v1/parse_query": return Self.response(api.parseQuery(params))
                default: return Self.response(api.formatQuery(params))
                }
            }
            router.get(RouterPath(path), use: handler)
            router.post(RouterPath(path), use: handler)
        }
        let values: @Sendable (Request, Context) async throws -> Response = { request, context in
            let raw = context.parameters.get("name") ?? ""
            let name = APIParams.unescape(Substring(raw)) ?? raw
            return Self.response(await api.labelValues(name: name, try await Self.params(request, upTo: api.maxFormBytes)))
        }
        router.get("/api/v1/label/:name/values", use: values)
    }

    /// URL query plus, for a form-encoded POST, its body.
    static func params(_ request: Request, upTo maxFormBytes: Int) async throws -> APIParams {
        var body: String?
        if request.method == .post, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") ?? false {
            var request = request
            let buffer = try await request.collectBody(upTo: maxFormBytes)
            body = String(buffer: buffer)
        }
        return APIParams(query: request.uri.query, body: body)
    }

    /// The JSON envelope as an HTTP response with Prometheus's status code.
    public static func response(_ result: APIResult) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .init(code: result.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: result.body())))
    }
}
