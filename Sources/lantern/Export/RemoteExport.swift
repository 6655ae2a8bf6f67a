import Foundation
import Model
import Query
internal import CCurl

/// `lantern export --url`: streams a running server's `/api/v1/export/csv` (or `/api/v1/export`)
/// response into the sink with libcurl, counting rows as they pass.
struct RemoteExport {
    let baseURL: String
    let request: ExportRequest
    let columnsSpec: String?
    let includeStale: Bool
    let noHeader: Bool
    let selectorTexts: [String]

    init(baseURL: String, request: ExportRequest, columnsSpec: String?, includeStale: Bool, noHeader: Bool, selectorTexts: [String]) {
        self.baseURL = baseURL
        self.request = request
        self.columnsSpec = columnsSpec
        self.includeStale = includeStale
        self.noHeader = noHeader
        self.selectorTexts = selectorTexts
    }

    /// The request URL with VictoriaMetrics-compatible parameters.
    var url: String {
        let csv = request.format != .jsonLines
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var items: [URLQueryItem] = selectorTexts.map { URLQueryItem(name: "match[]", value: $0) }
        items.append(URLQueryItem(name: "start", value: seconds(request.start)))
        items.append(URLQueryItem(name: "end", value: seconds(request.end)))
        if csv {
            if let columnsSpec { items.append(URLQueryItem(name: "format", value: columnsSpec)) }
            items.append(URLQueryItem(name: "header", value: noHeader ? "false" : "true"))
        }
        if includeStale { items.append(URLQueryItem(name: "include_stale", value: "true")) }
        var c = URLComponents()
        c.queryItems = items
        // URLComponents leaves '+' alone; a server decodes it as a space.
        let query = (c.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return base + (csv ? "/api/v1/export/csv" : "/api/v1/export") + "?" + query
    }

    private func seconds(_ t: Timestamp) -> String {
        t % 1000 == 0 ? "\(t / 1000)" : String(format: "%.3f", Double(t) / 1000)
    }

    func run(into sink: OutputSink, progress: ExportProgress) throws -> ExportStats {
        guard let h = curl_easy_init() else { throw OutputError(message: "curl_easy_init failed") }
        defer { curl_easy_cleanup(h) }
        let ctx = Context(sink: sink, progress: progress, csv: request.format != .jsonLines, header: request.format != .jsonLines && !noHeader)
        let unmanaged = Unmanaged.passRetained(ctx)
        defer { unmanaged.release() }
        _ = lantern_curl_set_str(h, CURLOPT_URL, url)
        _ = lantern_curl_set_long(h, CURLOPT_NOSIGNAL, 1)
        _ = lantern_curl_set_long(h, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
        _ = lantern_curl_set_str(h, CURLOPT_USERAGENT, "lantern-export")
        _ = lantern_curl_set_writer(h, { ptr, size, n, userdata in
            let ctx = Unmanaged<Context>.fromOpaque(userdata!).takeUnretainedValue()
            let count = size * n
            let bytes = [UInt8](UnsafeRawBufferPointer(start: ptr, count: count))
            return ctx.receive(bytes) ? count : 0
        }, unmanaged.toOpaque())
        let rc = curl_easy_perform(h)
        if let e = ctx.error { throw e }
        guard rc == CURLE_OK else { throw OutputError(message: "\(url): \(String(cString: curl_easy_strerror(rc)))") }
        var status = 0
        _ = lantern_curl_get_long(h, CURLINFO_RESPONSE_CODE, &status)
        guard status == 200 else {
            throw OutputError(message: "\(baseURL) answered HTTP \(status): \(String(decoding: ctx.errorBody, as: UTF8.self).prefix(500))")
        }
        return ctx.stats
    }

    /// The write callback's state: checks the status first, then passes bytes to the sink.
    final class Context {
        let sink: OutputSink
        let progress: ExportProgress
        let csv: Bool
        var headerPending: Bool
        var stats = ExportStats()
        var error: (any Error)?
        var errorBody: [UInt8] = []
        var status: Int?

        init(sink: OutputSink, progress: ExportProgress, csv: Bool, header: Bool) {
            self.sink = sink
            self.progress = progress
            self.csv = csv
            headerPending = header
        }

        func receive(_ bytes: [UInt8]) -> Bool {
            if !errorBody.isEmpty || looksLikeError(bytes) { errorBody += bytes; return errorBody.count < 1 << 16 }
            do {
                try sink.write(bytes)
            } catch {
                self.error = error
                return false
            }
            var lines = bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            if headerPending, lines > 0 { lines -= 1; headerPending = false }
            if csv { stats.samples += lines } else { stats.series += lines }
            progress.update(stats)
            return true
        }

        private func looksLikeError(_ bytes: [UInt8]) -> Bool {
            stats.samples == 0 && stats.series == 0 && bytes.starts(with: Array(#"{"status":"error""#.utf8))
        }
    }
}
