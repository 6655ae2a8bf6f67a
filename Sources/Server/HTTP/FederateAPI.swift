import Foundation
import HTTPTypes
import Hummingbird
import Model
import NIOCore
import Query
import Storage

/// `GET /federate?match[]=…`: the newest sample of every series matching any selector, if it
/// lies within the lookback window (5 m) and is not a staleness marker, in the text exposition
/// format with its timestamp, as Prometheus's `web/federate.go` writes it. Every stored label
/// is kept, `job` and `instance` included, so the scraping server keeps them with
/// `honor_labels: true` (otherwise it renames them `exported_job` / `exported_instance`).
/// Series are grouped by metric name with an `untyped` TYPE line per name.
enum FederateAPI {
    static let lookback: Int64 = 300_000

    static func add(to router: Router<BasicRequestContext>, storage: @escaping @Sendable () async -> (any Queryable)?) {
        router.get("/federate") { request, _ in
            let params = try await FormParameters.read(request)
            let selectors: [[Matcher]]
            do {
                selectors = try ExportRequest.parseSelectors(params.getAll("match[]"))
            } catch {
                return RemoteReadAPI.text(.badRequest, "\(error)")
            }
            guard let storage = await storage() else { return RemoteReadAPI.text(.serviceUnavailable, "storage is not open") }
            let now = Timestamp.now()
            let querier = try await storage.querier(mint: now - lookback, maxt: now)
            var latest: [Labels: Sample] = [:]
            do {
                for sel in selectors {
                    for s in try await querier.select(matchers: sel) where latest[s.labels] == nil {
                        var it = s.makeIterator()
                        var last: Sample?
                        while let x = it.next() { last = x }
                        if let last, !last.v.isStaleMarker { latest[s.labels] = last }
                    }
                }
            } catch {
                await querier.close()
                return RemoteReadAPI.text(.internalServerError, "federation: \(error)")
            }
            await querier.close()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: render(latest))))
        }
    }

    /// Text exposition of the samples, sorted by labels (so by metric name first).
    static func render(_ latest: [Labels: Sample]) -> String {
        var out = ""
        var currentName: String?
        for labels in latest.keys.sorted() {
            let name = labels.metricName ?? ""
            if name != currentName {
                out += "# TYPE \(name) untyped\n"
                currentName = name
            }
            let sample = latest[labels]!
            out += name
            let rest = labels.filter { $0.name != LabelName.metricName }
            if !rest.isEmpty {
                out += "{" + rest.map { "\($0.name)=\"\(escape($0.value))\"" }.joined(separator: ",") + "}"
            }
            out += " \(FloatFormat.goG(sample.v)) \(sample.t)\n"
        }
        return out
    }

    static func escape(_ v: String) -> String {
        guard v.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return v }
        return v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
