import HTTPTypes
import Hummingbird
import Model
import NIOCore
import Query
import Storage

/// `/api/v1/export/csv` and `/api/v1/export` (JSON lines), with VictoriaMetrics' parameters:
/// `match[]` (repeatable), `start`, `end` (Unix seconds or RFC 3339; default: all time up to
/// now), and for CSV `format` (the column spec). Lantern's additions: `header` (default on
/// when `format` is absent, off with a `format`, as VictoriaMetrics prints none) and
/// `include_stale`. The response is streamed series by series from one storage snapshot.
enum ExportAPI {
    static func add(to router: Router<BasicRequestContext>, storage: @escaping @Sendable () async -> SQLiteStorage?) {
        for path in ["/api/v1/export/csv", "/api/v1/export"] {
            let csv = path.hasSuffix("csv")
            let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
                let params = try await FormParameters.read(request)
                let export: ExportRequest
                do {
                    export = try parse(params, csv: csv)
                } catch let e as ExportError {
                    return APIResponse.error("bad_data", e.description)
                }
                guard let storage = await storage() else { return APIResponse.error("unavailable", "storage is not open") }
                let querier = try await storage.querier(mint: export.start, maxt: export.end)
                var headers = HTTPFields()
                headers[.contentType] = csv ? "text/csv; charset=utf-8" : "application/stream+json"
                return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                    let box = WriterBox(writer)
                    var buffer = ExportBuffer(flushSize: 1 << 16) { bytes in
                        try await box.writer.write(ByteBuffer(bytes: bytes))
                    }
                    do {
                        _ = try await SeriesExporter.run(export, querier: querier, into: &buffer)
                    } catch {
                        await querier.close()
                        throw error
                    }
                    await querier.close()
                    writer = box.writer
                    try await writer.finish(nil)
                })
            }
            router.get(RouterPath(path), use: handler)
            router.post(RouterPath(path), use: handler)
        }
    }

    static func parse(_ p: FormParameters, csv: Bool) throws -> ExportRequest {
        let selectors = try ExportRequest.parseSelectors(p.getAll("match[]"))
        let now = Timestamp.now()
        let start = try p.get("start").map { s throws(ExportError) in try ExportTime.parse(s, now: now) } ?? Timestamp(0)
        let end = try p.get("end").map { s throws(ExportError) in try ExportTime.parse(s, now: now) } ?? now
        guard start <= end else { throw ExportError.badTime("start is after end") }
        let stale = ["1", "true"].contains(p.get("include_stale") ?? "")
        guard csv else { return ExportRequest(selectors: selectors, start: start, end: end, format: .jsonLines, includeStale: stale) }
        let spec = p.get("format").flatMap { $0.isEmpty ? nil : $0 }
        let columns = try spec.map { s throws(ExportError) in try ExportColumn.parse(s) }
        let header = p.get("header").map { ["1", "true"].contains($0) } ?? (spec == nil)
        return ExportRequest(selectors: selectors, start: start, end: end, format: .csv(columns: columns, header: header), includeStale: stale)
    }
}

/// Lets the export's flush closure write to the response writer it cannot capture `inout`.
final class WriterBox: @unchecked Sendable {
    var writer: any ResponseBodyWriter
    init(_ writer: any ResponseBodyWriter) { self.writer = writer }
}
