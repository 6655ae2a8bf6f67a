internal import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// One libcurl easy handle whose body is forwarded chunk by chunk to an `AsyncThrowingStream`.
/// Created on the caller's task, then owned by the `StreamingCurlDriver` thread until removed.
final class StreamingTransfer: @unchecked Sendable {  // safe: after submit, touched only by the driver thread
    typealias Continuation = AsyncThrowingStream<StreamingPart, any Error>.Continuation

    let id: UInt64
    let request: StreamingRequest
    let handle: UnsafeMutableRawPointer
    let continuation: Continuation
    private var sentStatus = false
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var cStrings: [UnsafeMutablePointer<CChar>] = []

    init?(id: UInt64, request: StreamingRequest, continuation: Continuation) {
        guard let h = curl_easy_init() else { return nil }
        self.id = id
        self.request = request
        self.handle = h
        self.continuation = continuation
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        for s in cStrings { free(s) }
    }

    /// Applies every option.
    /// - Throws: `KubernetesError.setup` when libcurl refuses one.
    func configure() throws(KubernetesError) {
        let r = request
        try set(CURLOPT_URL, r.url)
        try set(CURLOPT_NOSIGNAL, 1)
        if let t = r.timeout { try set(CURLOPT_TIMEOUT_MS, t.milliseconds) }
        try set(CURLOPT_CONNECTTIMEOUT_MS, r.connectTimeout.milliseconds)
        if let low = r.lowSpeedTime {
            try set(CURLOPT_LOW_SPEED_LIMIT, 1)
            try set(CURLOPT_LOW_SPEED_TIME, max(1, low.milliseconds / 1000))
        }
        try set(CURLOPT_FOLLOWLOCATION, r.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, 10)
        try set(CURLOPT_ACCEPT_ENCODING, "gzip")
        if let auth = r.basicAuth {
            try set(CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC */)
            try set(CURLOPT_USERNAME, auth.username)
            try set(CURLOPT_PASSWORD, auth.password)
        }
        if let proxy = r.proxyURL { try set(CURLOPT_PROXY, proxy) }
        try configureTLS(r.tls)
        for (k, v) in r.headers { headerList = curl_slist_append(headerList, "\(k): \(v)") }
        guard lantern_curl_set_slist(handle, CURLOPT_HTTPHEADER, headerList) == CURLE_OK else {
            throw .setup("cannot set request headers")
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = lantern_curl_set_writer(handle, streamingWrite, me)
        _ = lantern_curl_set_private(handle, me)
    }

    private func configureTLS(_ tls: StreamingRequest.TLS) throws(KubernetesError) {
        if let ca = tls.caFile { try set(CURLOPT_CAINFO, ca) }
        if let pem = tls.caPEM { try setBlob(CURLOPT_CAINFO_BLOB, pem) }
        if let cert = tls.certFile { try set(CURLOPT_SSLCERT, cert) }
        if let pem = tls.certPEM { try setBlob(CURLOPT_SSLCERT_BLOB, pem) }
        if let key = tls.keyFile { try set(CURLOPT_SSLKEY, key) }
        if let pem = tls.keyPEM { try setBlob(CURLOPT_SSLKEY_BLOB, pem) }
        if tls.insecureSkipVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        let versions: [String: Int] = ["TLS10": 4, "TLS11": 5, "TLS12": 6, "TLS13": 7]  // CURL_SSLVERSION_TLSv1_x
        if let v = tls.minVersion, let value = versions[v] { try set(CURLOPT_SSLVERSION, value) }
    }

    private func set(_ option: CURLoption, _ value: String) throws(KubernetesError) {
        let copy = strdup(value)!
        cStrings.append(copy)
        guard lantern_curl_set_str(handle, option, copy) == CURLE_OK else { throw .setup("libcurl refused option \(option.rawValue)") }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(KubernetesError) {
        guard lantern_curl_set_long(handle, option, value) == CURLE_OK else { throw .setup("libcurl refused option \(option.rawValue)") }
    }

    /// PEM from memory; `CURL_BLOB_COPY` makes libcurl keep its own copy.
    private func setBlob(_ option: CURLoption, _ bytes: [UInt8]) throws(KubernetesError) {
        let rc = bytes.withUnsafeBytes { raw -> CURLcode in
            var blob = curl_blob(data: UnsafeMutableRawPointer(mutating: raw.baseAddress), len: raw.count, flags: 1 /* CURL_BLOB_COPY */)
            return withUnsafeMutablePointer(to: &blob) { lantern_curl_set_ptr(handle, option, UnsafeMutableRawPointer($0)) }
        }
        guard rc == CURLE_OK else { throw .setup("libcurl refused TLS blob option \(option.rawValue)") }
    }

    /// Sends the status once (on the first body bytes, or at the end for an empty body).
    fileprivate func sendStatusIfNeeded() {
        guard !sentStatus else { return }
        sentStatus = true
        var status = 0
        _ = lantern_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        continuation.yield(.status(status))
    }

    /// Ends the stream with libcurl's result.
    func finish(_ code: CURLcode) {
        if code == CURLE_OK {
            sendStatusIfNeeded()
            continuation.finish()
        } else {
            let text = String(cString: curl_easy_strerror(code))
            continuation.finish(throwing: KubernetesError.transport("\(text) (\(request.url))"))
        }
    }
}

private func streamingWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ ctx: UnsafeMutableRawPointer?) -> Int {
    guard let ctx, let data else { return 0 }
    let transfer = Unmanaged<StreamingTransfer>.fromOpaque(ctx).takeUnretainedValue()
    let n = size * count
    transfer.sendStatusIfNeeded()
    let bytes = data.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    transfer.continuation.yield(.bytes(bytes))
    return n
}
