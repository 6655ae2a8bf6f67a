import Dispatch
internal import CCurl

/// What a receiver answered.
struct RemoteWriteResponse: Sendable {
    /// HTTP status, 0 when the request did not complete (connection refused, timeout).
    var status: Int
    var retryAfter: Duration?
    var body: String
    var transportError: String?
}

/// POSTs snappy-compressed write requests with libcurl's easy interface, one blocking
/// transfer at a time on the client's own dispatch queue (never on Swift's cooperative
/// pool). One client per shard, so shards send in parallel; each reuses its connection.
final class RemoteWriteClient: @unchecked Sendable {  // the curl handle is touched only on `queue`
    private let queue: DispatchQueue
    private let options: RemoteWriteOptions
    private let handle: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init(options: RemoteWriteOptions, label: String) {
        self.options = options
        queue = DispatchQueue(label: label)
        handle = curl_easy_init()
        var list: UnsafeMutablePointer<curl_slist>?
        for h in ["Content-Encoding: snappy", "Content-Type: application/x-protobuf", "X-Prometheus-Remote-Write-Version: 0.1.0",
                  "User-Agent: Lantern-remote-write"] + options.headers.sorted(by: { $0.key < $1.key }).map({ "\($0.key): \($0.value)" }) {
            list = curl_slist_append(list, h)
        }
        if let a = options.authorization { list = curl_slist_append(list, "Authorization: \(a.type) \(a.credentials)") }
        headerList = list
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headerList)
    }

    /// Sends one compressed body; never throws (failures are in the response).
    func post(_ body: [UInt8]) async -> RemoteWriteResponse {
        await withCheckedContinuation { cont in
            queue.async { cont.resume(returning: self.perform(body)) }
        }
    }

    private func perform(_ body: [UInt8]) -> RemoteWriteResponse {
        guard let h = handle else { return RemoteWriteResponse(status: 0, body: "", transportError: "curl_easy_init failed") }
        let sink = ResponseSink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        _ = lantern_curl_set_str(h, CURLOPT_URL, options.url)
        _ = lantern_curl_set_long(h, CURLOPT_POST, 1)
        _ = lantern_curl_set_long(h, CURLOPT_NOSIGNAL, 1)
        _ = lantern_curl_set_long(h, CURLOPT_TIMEOUT_MS, Int(options.timeout.components.seconds * 1000 + options.timeout.components.attoseconds / 1_000_000_000_000_000))
        _ = lantern_curl_set_slist(h, CURLOPT_HTTPHEADER, headerList)
        if let b = options.basicAuth {
            _ = lantern_curl_set_long(h, CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC */)
            _ = lantern_curl_set_str(h, CURLOPT_USERNAME, b.username)
            _ = lantern_curl_set_str(h, CURLOPT_PASSWORD, b.password)
        }
        let tls = options.tls
        if !tls.caFile.isEmpty { _ = lantern_curl_set_str(h, CURLOPT_CAINFO, tls.caFile) }
        if !tls.certFile.isEmpty { _ = lantern_curl_set_str(h, CURLOPT_SSLCERT, tls.certFile) }
        if !tls.keyFile.isEmpty { _ = lantern_curl_set_str(h, CURLOPT_SSLKEY, tls.keyFile) }
        if tls.insecureSkipVerify {
            _ = lantern_curl_set_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = lantern_curl_set_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        _ = lantern_curl_set_writer(h, { ptr, size, n, ctx in
            let s = Unmanaged<ResponseSink>.fromOpaque(ctx!).takeUnretainedValue()
            if s.body.count < 4096 { s.body += UnsafeRawBufferPointer(start: ptr, count: size * n).prefix(4096 - s.body.count) }
            return size * n
        }, box.toOpaque())
        _ = lantern_curl_set_header_reader(h, { ptr, size, n, ctx in
            let s = Unmanaged<ResponseSink>.fromOpaque(ctx!).takeUnretainedValue()
            let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: size * n), as: UTF8.self)
            if line.lowercased().hasPrefix("retry-after:") {
                let v = line.dropFirst("retry-after:".count).trimmingPrefix(while: { $0 == " " })
                if let secs = Int(v.prefix { $0.isNumber }) { s.retryAfter = .seconds(secs) }
            }
            return size * n
        }, box.toOpaque())
        let rc = body.withUnsafeBufferPointer { buf -> CURLcode in
            _ = lantern_curl_set_long(h, CURLOPT_POSTFIELDSIZE, buf.count)
            _ = lantern_curl_set_ptr(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: buf.baseAddress))
            return curl_easy_perform(h)
        }
        _ = lantern_curl_set_ptr(h, CURLOPT_POSTFIELDS, nil)
        guard rc == CURLE_OK else {
            return RemoteWriteResponse(status: 0, body: "", transportError: String(cString: curl_easy_strerror(rc)))
        }
        var status = 0
        _ = lantern_curl_get_long(h, CURLINFO_RESPONSE_CODE, &status)
        return RemoteWriteResponse(status: status, retryAfter: sink.retryAfter, body: String(decoding: sink.body, as: UTF8.self))
    }

    private final class ResponseSink {
        var body: [UInt8] = []
        var retryAfter: Duration?
    }
}

extension Substring {
    func trimmingPrefix(while p: (Character) -> Bool) -> Substring { self.drop(while: p) }
}
