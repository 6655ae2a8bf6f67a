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

    struct DataReply {
        let status: Int
        let data: Data
        let headers: [String: String]
    }

    /// A TCP socket connected to 127.0.0.1:`port`; `receiveBuffer` shrinks SO_RCVBUF (slow readers).
    static func connectSocket(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { close(fd); throw URLError(.cannotConnectToHost) }
        return fd
    }

    /// A raw HTTP/1.1 exchange over a POSIX socket, for bodies URLSession (libcurl) refuses to
    /// hand over undecoded (`Content-Encoding: snappy`). Reads until the server closes.
    static func requestData(_ method: String = "GET", port: Int, path: String, body: Data? = nil) async throws -> DataReply {
        let fd = try connectSocket(port: port)
        defer { close(fd) }
        let payload = body ?? Data()
        var request = Data("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\nContent-Length: \(payload.count)\r\n\r\n".utf8)
        request.append(payload)
        let response = exchange(fd, request)
        guard let split = response.range(of: Data("\r\n\r\n".utf8)) else { throw URLError(.badServerResponse) }
        let head = String(decoding: response[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return DataReply(status: status, data: Data(response[split.upperBound...]), headers: headers)
    }

    /// Writes `request` to the connected socket `fd` and reads until the server closes it (or
    /// the socket's receive timeout passes).
    static func exchange(_ fd: Int32, _ request: Data) -> Data {
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var response = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            response.append(contentsOf: buf[0..<n])
        }
        return response
    }
}
