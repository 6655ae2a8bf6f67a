import Query

/// A light request's answer, made where the request was read.
struct LightResponse: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]
}

/// The answers `LightRequestHandler` gives without the router: health, readiness, and label
/// names and values while the storage has them in memory. Each returns nil when the router
/// must answer instead (a `match[]`, a label index being rebuilt, an unknown path), so what
/// a client gets is the same either way.
struct LightResponder: Sendable {
    /// - Parameters: the request target's path and query (both still percent-encoded).
    let answer: @Sendable (_ path: Substring, _ query: Substring?) -> LightResponse?

    /// Lantern's light answers; `api` is nil while no storage is open.
    static func lantern(api: QueryAPI?, readiness: Readiness) -> LightResponder {
        LightResponder { path, query in
            switch path {
            case "/-/healthy":
                return .plain(200, LifecycleRoutes.healthyText)
            case "/-/ready":
                return readiness.isReady ? .plain(200, LifecycleRoutes.readyText) : .plain(503, LifecycleRoutes.notReadyText)
            case "/api/v1/labels":
                return api?.labelNamesInMemory(APIParams(query: query.map(String.init))).map(LightResponse.init)
            default:
                guard let api, let raw = labelName(inValuesPath: path) else { return nil }
                let name = APIParams.unescape(raw) ?? String(raw)  // as the route does
                return api.labelValuesInMemory(name: name, APIParams(query: query.map(String.init))).map(LightResponse.init)
            }
        }
    }

    /// The `<name>` of `/api/v1/label/<name>/values` (still percent-encoded), as the router's
    /// one-segment parameter captures it.
    static func labelName(inValuesPath path: Substring) -> Substring? {
        let prefix = "/api/v1/label/".utf8, suffix = "/values".utf8
        let bytes = path.utf8
        guard bytes.count > prefix.count + suffix.count, bytes.starts(with: prefix), bytes.reversed().starts(with: suffix.reversed())
        else { return nil }
        let name = Substring(bytes.dropFirst(prefix.count).dropLast(suffix.count))
        return name.utf8.contains(UInt8(ascii: "/")) ? nil : name
    }
}

extension LightResponse {
    static func plain(_ status: Int, _ text: String) -> LightResponse {
        LightResponse(status: status, contentType: LifecycleRoutes.plainContentType, body: Array(text.utf8))
    }

    /// The query API's JSON envelope, as `QueryAPI.response` sends it.
    init(_ result: APIResult) {
        self.init(status: result.status, contentType: "application/json", body: result.body())
    }
}
