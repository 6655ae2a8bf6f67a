import Foundation
import HTTPTypes
import Hummingbird

/// Prometheus's JSON envelope: `{"status":"success","data":…}` or
/// `{"status":"error","errorType":…,"error":…}` with the status codes of `web/api/v1`.
enum APIResponse {
    static func success(_ data: some Encodable) -> Response {
        // Envelope by hand so "status" comes first as in Prometheus; swift-foundation's
        // JSONEncoder does not keep key order, so the data's keys are sorted (deterministic).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        guard let encoded = try? encoder.encode(data) else { return error("internal", "encoding failed") }
        var body = Data(#"{"status":"success","data":"#.utf8)
        body.append(encoded)
        body.append(contentsOf: Array("}".utf8))
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(bytes: body)))
    }

    /// `errorType` is one of Prometheus's: bad_data (400), execution (422), timeout (503),
    /// canceled (499), internal (500), not_found (404), unavailable (503).
    static func error(_ type: String, _ message: String) -> Response {
        let status: HTTPResponse.Status
        switch type {
        case "bad_data": status = .badRequest
        case "execution": status = .unprocessableContent
        case "timeout", "unavailable": status = .serviceUnavailable
        case "not_found": status = .notFound
        case "canceled": status = .init(code: 499)
        default: status = .internalServerError
        }
        return json(status, Envelope<String>(status: "error", data: nil, errorType: type, error: message))
    }

    private struct Envelope<D: Encodable>: Encodable {
        let status: String
        let data: D?
        let errorType: String?
        let error: String?
    }

    private static func json(_ status: HTTPResponse.Status, _ body: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data(#"{"status":"error","errorType":"internal","error":"encoding failed"}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: .init(bytes: data)))
    }
}
