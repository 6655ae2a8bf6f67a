import Hummingbird
import HTTPTypes

/// Callbacks behind the lifecycle endpoints (`/-/reload`, `/-/quit`).
struct LifecycleActions: Sendable {
    var reload: @Sendable () async -> Result<Void, any Error>
    var quit: @Sendable () async -> Void
}

/// The routes every Prometheus server has outside the query API: health, readiness,
/// self-metrics and lifecycle. Texts and status codes follow Prometheus's `web/web.go`.
enum LifecycleRoutes {
    static func add(
        to router: Router<BasicRequestContext>,
        registry: MetricsRegistry,
        readiness: Readiness,
        lifecycleEnabled: Bool,
        actions: LifecycleActions
    ) {
        router.get("/-/healthy") { _, _ in plain(.ok, healthyText) }
        router.head("/-/healthy") { _, _ in plain(.ok, "") }
        router.get("/-/ready") { _, _ in
            readiness.isReady ? plain(.ok, readyText) : plain(.serviceUnavailable, notReadyText)
        }
        router.head("/-/ready") { _, _ in readiness.isReady ? plain(.ok, "") : plain(.serviceUnavailable, "") }
        router.get("/metrics") { _, _ in
            let text = await registry.render()
            var headers = HTTPFields()
            headers[.contentType] = TextExpositionWriter.contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: text)))
        }
        for method in [HTTPRequest.Method.post, .put] {
            router.on("/-/reload", method: method) { _, _ in
                guard lifecycleEnabled else { return plain(.forbidden, "Lifecycle API is not enabled.") }
                switch await actions.reload() {
                case .success: return plain(.ok, "")
                case .failure(let error): return plain(.internalServerError, "failed to reload config: \(error)\n")
                }
            }
            router.on("/-/quit", method: method) { _, _ in
                guard lifecycleEnabled else { return plain(.forbidden, "Lifecycle API is not enabled.") }
                Task { await actions.quit() }
                return plain(.ok, "Requesting termination... Goodbye!")
            }
        }
    }

    static let healthyText = "Lantern Server is Healthy.\n"
    static let readyText = "Lantern Server is Ready.\n"
    static let notReadyText = "Service Unavailable"
    static let plainContentType = "text/plain; charset=utf-8"

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = plainContentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: .init(string: text)))
    }
}
