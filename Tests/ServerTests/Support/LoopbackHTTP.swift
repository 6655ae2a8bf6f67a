import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A tiny HTTP client for tests against servers on 127.0.0.1.
enum LoopbackHTTP {
    struct Reply {
        let status: Int
        let body: String
        let headers: [String: String]
    }

    static func request(_ method: String = "GET", port: Int, path: String, body: Data? = nil, timeout: TimeInterval = 10, contentType: String? = nil) async throws -> Reply {
        var req = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        req.httpMethod = method
        req.httpBody = body
        req.timeoutInterval = timeout
        if let contentType { req.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: req)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers["\(k)".lowercased()] = "\(v)" }
        return Reply(status: http.statusCode, body: String(decoding: data, as: UTF8.self), headers: headers)
    }
}
