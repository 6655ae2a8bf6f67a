internal import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// One libcurl easy handle with its request settings and the bytes received so far.
/// Owned by the `CurlMultiDriver` thread from submission to completion.
final class CurlTransfer: @unchecked Sendable {  // safe: touched only by the driver thread after submit
    let id: UInt64
    let request: HTTPScrapeRequest
    let handle: UnsafeMutableRawPointer
    var body: [UInt8] = []
    var contentType: String?
    var exceededLimit = false
    var continuation: CheckedContinuation<HTTPScrapeResponse, any Error>?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var cStrings: [UnsafeMutablePointer<CChar>] = []

    init?(id: UInt64, request: HTTPScrapeRequest) {
        guard let h = curl_easy_init() else { return nil }
        self.id = id
        self.request = request
        self.handle = h
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        for s in cStrings { free(s) }
    }

    /// Applies every option; a refused option is a programming or environment error worth reporting.
    func configure() throws(HTTPScrapeError) {
        let r = request
        try set(CURLOPT_URL, r.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_TIMEOUT_MS, Int(r.timeoutMillis))
        try set(CURLOPT_USERAGENT, r.userAgent)
        try set(CURLOPT_FOLLOWLOCATION, r.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, 10)
        if r.enableCompression { try set(CURLOPT_ACCEPT_ENCODING, "gzip") }
        if let auth = r.basicAuth {
            try set(CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC */)
            try set(CURLOPT_USERNAME, auth.username)
            try set(CURLOPT_PASSWORD, auth.password)
        }
        if let proxy = r.proxyURL { try set(CURLOPT_PROXY, proxy) }
        if let ca = r.tls.caFile { try set(CURLOPT_CAINFO, ca) }
        if let cert = r.tls.certFile { try set(CURLOPT_SSLCERT, cert) }
        if let key = r.tls.keyFile { try set(CURLOPT_SSLKEY, key) }
        if r.tls.insecureSkipVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let v = r.tls.minVersion {
            let versions: [String: Int] = ["TLS10": 4, "TLS11": 5, "TLS12": 6, "TLS13": 7]  // CURL_SSLVERSION_TLSv1_x
            if let value = versions[v] { try set(CURLOPT_SSLVERSION, value) }
        }
        var headers = [("Accept", r.acceptHeader), ("X-Prometheus-Scrape-Timeout-Seconds", timeoutSeconds(r.timeoutMillis))]
        if let a = r.authorization { headers.append(("Authorization", "\(a.type) \(a.credentials)")) }
        headers += r.headers
        for (k, v) in headers { headerList = curl_slist_append(headerList, "\(k): \(v)") }
        guard lantern_curl_set_slist(handle, CURLOPT_HTTPHEADER, headerList) == CURLE_OK else {
            throw HTTPScrapeError(kind: .transport, url: r.url, message: "cannot set request headers")
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = lantern_curl_set_writer(handle, curlWriteBody, me)
        _ = lantern_curl_set_header_reader(handle, curlReadHeader, me)
        _ = lantern_curl_set_private(handle, me)
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPScrapeError) {
        let copy = strdup(value)!
        cStrings.append(copy)
        guard lantern_curl_set_str(handle, option, copy) == CURLE_OK else {
            throw HTTPScrapeError(kind: .transport, url: request.url, message: "libcurl refused option \(option.rawValue)")
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPScrapeError) {
        guard lantern_curl_set_long(handle, option, value) == CURLE_OK else {
            throw HTTPScrapeError(kind: .transport, url: request.url, message: "libcurl refused option \(option.rawValue)")
        }
    }

    /// Turns libcurl's result into a response or a typed error.
    func finish(_ code: CURLcode) -> Result<HTTPScrapeResponse, HTTPScrapeError> {
        if exceededLimit {
            return .failure(HTTPScrapeError(kind: .bodySizeLimit, url: request.url, message: "\(request.bodySizeLimit) bytes"))
        }
        switch code {
        case CURLE_OK:
            var status = 0
            _ = lantern_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
            if status != 200 {
                return .failure(HTTPScrapeError(kind: .status, url: request.url, message: "\(status) \(Self.reason(status))"))
            }
            return .success(HTTPScrapeResponse(status: status, contentType: contentType, body: body))
        case CURLE_OPERATION_TIMEDOUT:
            return .failure(HTTPScrapeError(kind: .timeout, url: request.url, message: "timeout"))
        default:
            let text = String(cString: curl_easy_strerror(code))
            return .failure(HTTPScrapeError(kind: .transport, url: request.url, message: text))
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return ""
        }
    }
}

/// Go's `strconv.FormatFloat(seconds, 'f', -1, 64)` of the timeout, as Prometheus sends it.
func timeoutSeconds(_ millis: Int64) -> String {
    if millis % 1000 == 0 { return String(millis / 1000) }
    var frac = String(millis % 1000)
    while frac.count < 3 { frac = "0" + frac }
    while frac.hasSuffix("0") { frac.removeLast() }
    return "\(millis / 1000).\(frac)"
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ ctx: UnsafeMutableRawPointer?) -> Int {
    guard let ctx, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(ctx).takeUnretainedValue()
    let n = size * count
    let limit = transfer.request.bodySizeLimit
    if limit > 0, Int64(transfer.body.count + n) > limit {
        transfer.exceededLimit = true
        return 0  // aborts the transfer with CURLE_WRITE_ERROR
    }
    data.withMemoryRebound(to: UInt8.self, capacity: n) { transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
    return n
}

private func curlReadHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ ctx: UnsafeMutableRawPointer?) -> Int {
    guard let ctx, let data else { return 0 }
    let n = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
    if let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "content-type" {
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(ctx).takeUnretainedValue()
        transfer.contentType = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
    } else if line.hasPrefix("HTTP/") {
        // A new response (after a redirect): forget the previous one's headers and body.
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(ctx).takeUnretainedValue()
        transfer.contentType = nil
        transfer.body.removeAll(keepingCapacity: true)
    }
    return n
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let chars = Set(set.unicodeScalars)
        let scalars = unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, chars.contains(scalars[start]) { start = scalars.index(after: start) }
        while end > start, chars.contains(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}
