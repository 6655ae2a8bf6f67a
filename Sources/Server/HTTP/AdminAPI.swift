import Foundation
import HTTPTypes
import Hummingbird
import Model
import Query
import Storage

/// `/api/v1/admin/tsdb/*`: delete series, clean tombstones, snapshot. Off unless
/// `--web.enable-admin-api`, and then every call answers as Prometheus's `web/api/v1` does
/// when admin APIs are disabled: 503 `{"errorType":"unavailable","error":"admin APIs disabled"}`.
enum AdminAPI {
    static func add(
        to router: Router<BasicRequestContext>, enabled: Bool, storagePath: String,
        storage: @escaping @Sendable () async -> SQLiteStorage?
    ) {
        for method in [HTTPRequest.Method.post, .put] {
            router.on("/api/v1/admin/tsdb/delete_series", method: method) { request, _ in
                guard enabled else { return disabled() }
                guard let storage = await storage() else { return APIResponse.error("unavailable", "storage is not open") }
                return await deleteSeries(request, storage)
            }
            router.on("/api/v1/admin/tsdb/clean_tombstones", method: method) { _, _ in
                guard enabled else { return disabled() }
                // delete_series rewrites chunks at once; there are never tombstones to clean.
                return Response(status: .noContent)
            }
            router.on("/api/v1/admin/tsdb/snapshot", method: method) { request, _ in
                guard enabled else { return disabled() }
                guard let storage = await storage() else { return APIResponse.error("unavailable", "storage is not open") }
                return await snapshot(request, storage, storagePath: storagePath)
            }
        }
    }

    static func disabled() -> Response { APIResponse.error("unavailable", "admin APIs disabled") }

    private static func deleteSeries(_ request: Request, _ storage: SQLiteStorage) async -> Response {
        let params: FormParameters
        do { params = try await FormParameters.read(request) } catch { return APIResponse.error("bad_data", "\(error)") }
        let matches = params.getAll("match[]")
        guard !matches.isEmpty else { return APIResponse.error("bad_data", "no match[] parameter provided") }
        var mint = APIParse.minTime, maxt = APIParse.maxTime
        for (name, target) in [("start", 0), ("end", 1)] {
            guard let text = params.get(name), !text.isEmpty else { continue }
            do {
                let t = try APIParse.time(text)
                if target == 0 { mint = t } else { maxt = t }
            } catch {
                return APIResponse.error("bad_data", "invalid parameter \"\(name)\": \(error)")
            }
        }
        let selectors: [[Matcher]]
        do { selectors = try ExportRequest.parseSelectors(matches) } catch { return APIResponse.error("bad_data", "\(error)") }
        do {
            try await storage.deleteSeries(matching: selectors, mint: mint, maxt: maxt)
        } catch {
            return APIResponse.error("internal", "\(error)")
        }
        return Response(status: .noContent)
    }

    private static func snapshot(_ request: Request, _ storage: SQLiteStorage, storagePath: String) async -> Response {
        let params: FormParameters
        do { params = try await FormParameters.read(request) } catch { return APIResponse.error("bad_data", "\(error)") }
        var skipHead = false
        if let text = params.get("skip_head"), !text.isEmpty {
            guard let b = parseBool(text) else {
                return APIResponse.error("bad_data", "unable to parse boolean 'skip_head' argument: strconv.ParseBool: parsing \(text.debugDescription): invalid syntax")
            }
            skipHead = b
        }
        let name = snapshotName(Date())
        let dir = (storagePath as NSString).appendingPathComponent("snapshots/\(name)")
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try await storage.snapshot(to: (dir as NSString).appendingPathComponent("lantern.db"), skipHead: skipHead)
        } catch {
            return APIResponse.error("internal", "create snapshot: \(error)")
        }
        return APIResponse.success(["name": name])
    }

    /// Prometheus's name: UTC `20060102T150405Z` plus 16 random hex digits.
    static func snapshotName(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let hex = String(UInt64.random(in: 0...UInt64(Int64.max)), radix: 16)
        return f.string(from: date) + "-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Go's `strconv.ParseBool`.
    static func parseBool(_ s: String) -> Bool? {
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}
