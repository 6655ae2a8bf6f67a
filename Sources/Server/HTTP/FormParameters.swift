import Foundation
import HTTPTypes
import Hummingbird

/// Request parameters as Prometheus reads them (`r.ParseForm()`): the URL query plus, for a
/// POST with `application/x-www-form-urlencoded`, the body. Repeated names keep every value.
struct FormParameters: Sendable {
    private var values: [(String, String)] = []

    /// Reads the query and, for a form POST, its body (already bounded by
    /// `RequestBodyLimitMiddleware`, `--web.max-request-body-size`).
    static func read(_ request: Request) async throws -> FormParameters {
        var p = FormParameters()
        p.values = decode(request.uri.query ?? "")
        if request.method == .post, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            var req = request
            let body = try await req.collectBody(upTo: .max)
            p.values += decode(String(buffer: body))
        }
        return p
    }

    func get(_ name: String) -> String? { values.first { $0.0 == name }?.1 }
    func getAll(_ name: String) -> [String] { values.filter { $0.0 == name }.map(\.1) }

    /// `a=1&b=%20x+y` → [("a","1"), ("b"," x y")].
    static func decode(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ s: Substring) -> String {
                (String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding) ?? String(s)
            }
            return (unescape(kv[0]), kv.count > 1 ? unescape(kv[1]) : "")
        }
    }
}
