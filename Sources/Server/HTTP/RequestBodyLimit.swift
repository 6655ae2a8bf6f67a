import Foundation
import HTTPTypes
import Hummingbird
import Model
import NIOCore
import Synchronization

/// Refuses request bodies larger than `--web.max-request-body-size` on every endpoint, before
/// any handler buffers them, and counts the refusals per endpoint.
///
/// Each handler used to pick its own limit (10 MiB for the query forms, 1 MiB for export,
/// 32 MiB for remote read); this is the one place that bounds the memory a single request can
/// take. A declared `Content-Length` over the limit is refused without reading the body; a
/// chunked body is read up to the limit and refused as soon as it passes it. The refusal is
/// `413 Content Too Large` with Go's `http.MaxBytesReader` message (what Prometheus's
/// handlers report for an oversized body), as a Prometheus JSON error for the `/api/` paths.
struct RequestBodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int
    let metrics: RequestBodyLimitMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post || request.method == .put || request.method == .patch else {
            return try await next(request, context)
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            return refuse(request)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // NIO's `NIOTooManyBytesError` for a streamed body, Hummingbird's `HTTPError` otherwise.
            return refuse(request)
        }
        return try await next(request, context)
    }

    private func refuse(_ request: Request) -> Response {
        let path = request.uri.path
        metrics.record(path: path)
        let message = "http: request body too large (limit \(limit) bytes, --web.max-request-body-size)"
        var headers = HTTPFields()
        headers[.connection] = "close"
        if path.hasPrefix("/api/"), path != "/api/v1/read" {
            headers[.contentType] = "application/json"
            let body = #"{"status":"error","errorType":"bad_data","error":"\#(message)"}"#
            return Response(status: .contentTooLarge, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .contentTooLarge, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}

/// `lantern_http_request_body_too_large_total{handler}`: refusals by endpoint. Only the
/// server's own POST endpoints become label values (anything else is `other`), so a client
/// cannot grow the series count by posting to made-up paths.
final class RequestBodyLimitMetrics: Sendable {
    static let handlers = [
        "/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels", "/api/v1/format_query",
        "/api/v1/read", "/api/v1/export", "/api/v1/export/csv", "/-/reload", "/-/quit",
    ]
    private let counts = Mutex<[String: Int]>([:])

    func record(path: String) {
        let handler = Self.handlers.contains(path) ? path : "other"
        counts.withLock { $0[handler, default: 0] += 1 }
    }

    func collect() -> [MetricFamily] {
        let snapshot = counts.withLock { $0 }
        let samples = (Self.handlers + ["other"]).map { h in
            MetricSample(labels: Labels(["handler": h]), value: Double(snapshot[h] ?? 0))
        }
        return [MetricFamily(name: "lantern_http_request_body_too_large_total",
                             help: "Requests refused because their body exceeded --web.max-request-body-size.",
                             type: .counter, samples: samples)]
    }
}
