import Foundation
import HTTPTypes
import Hummingbird

/// The web configuration's per-request part: basic authentication (401 with
/// `WWW-Authenticate: Basic` when credentials are missing or wrong, as exporter-toolkit
/// answers) and the configured response headers.
///
/// Added to the router before any route, so every endpoint honours it: the query API,
/// `/metrics`, `/-/healthy`, `/-/ready`, lifecycle, admin, federation, remote read, export
/// and unmatched paths alike.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let authenticator: BasicAuthenticator?
    let headers: HTTPFields

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let authenticator {
            guard let (user, password) = Self.credentials(request.headers[.authorization]),
                  await authenticator.verify(user: user, password: password) else {
                return withHeaders(Self.unauthorized())
            }
        }
        guard !headers.isEmpty else { return try await next(request, context) }
        do {
            return withHeaders(try await next(request, context))
        } catch let error as any HTTPResponseError {
            // 404s and other thrown HTTP errors carry the configured headers too.
            return withHeaders(try error.response(from: request, context: context))
        }
    }

    private func withHeaders(_ response: Response) -> Response {
        guard !headers.isEmpty else { return response }
        var r = response
        for field in headers { r.headers[field.name] = field.value }
        return r
    }

    /// User and password of an `Authorization: Basic base64(user:password)` header.
    static func credentials(_ header: String?) -> (String, String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    static func unauthorized() -> Response {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Basic"
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: .init(string: "Unauthorized\n")))
    }
}
