import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Model
import Query
import Storage

/// The two back ends of the query commands: HTTP against a server, or the engine on a
/// storage opened read-only. Both return the API's JSON envelope, so output is the same.
enum QueryClient {
    /// GET `base + path` with the parameters URL-encoded; returns the body whatever the status.
    static func get(base: String, path: String, params: [(String, String)]) async throws -> [UInt8] {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard var components = URLComponents(string: trimmed + path) else { throw ValidationError("invalid --url \(base)") }
        components.queryItems = params.map { URLQueryItem(name: $0.0, value: $0.1) }
        // URLComponents leaves '+' alone, which a form decoder reads as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else { throw ValidationError("invalid --url \(base)") }
        let (data, _) = try await URLSession.shared.data(from: url)
        return Array(data)
    }

    /// Opens `path` (a directory holding lantern.db, or the file itself) read-only.
    static func openStorage(_ path: String) async throws -> SQLiteStorage {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ValidationError("storage path \(path) does not exist")
        }
        let file = isDir.boolValue ? (path as NSString).appendingPathComponent("lantern.db") : path
        return try await SQLiteStorage.openReadOnly(path: file)
    }

    /// Runs the endpoint in-process through the same handlers the server uses.
    static func local(storage: SQLiteStorage, endpoint: String, params: [(String, String)], lookbackDelta: Int64) async -> [UInt8] {
        var options = EngineOptions()
        options.lookbackDelta = lookbackDelta
        let api = QueryAPI(runner: QueryRunner(storage: storage, options: options), queryable: storage)
        let p = APIParams(params)
        switch endpoint {
        case "query": return await api.query(p).body()
        default: return await api.queryRange(p).body()
        }
    }
}

/// A decoded API envelope, printable as a table, JSON or CSV.
struct QueryOutput {
    enum Format: String { case table, json, csv }

    struct Row { let labels: String; let t: String; let value: String }

    var error: String?
    var warnings: [String] = []
    var resultType = ""
    var rows: [Row] = []

    init(_ body: [UInt8]) throws {
        guard let root = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw ValidationError("the server's answer is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        warnings = root["warnings"] as? [String] ?? []
        if (root["status"] as? String) != "success" {
            error = "\(root["errorType"] as? String ?? "unknown"): \(root["error"] as? String ?? "")"
            return
        }
        let data = root["data"] as? [String: Any] ?? [:]
        resultType = data["resultType"] as? String ?? ""
        switch resultType {
        case "scalar", "string":
            if let p = data["result"] as? [Any] { rows.append(Self.row("", p)) }
        case "vector":
            for s in data["result"] as? [[String: Any]] ?? [] {
                rows.append(Self.row(Self.labels(s["metric"]), s["value"] as? [Any] ?? []))
            }
        default:
            for s in data["result"] as? [[String: Any]] ?? [] {
                let l = Self.labels(s["metric"])
                for p in s["values"] as? [[Any]] ?? [] { rows.append(Self.row(l, p)) }
            }
        }
    }

    static func labels(_ any: Any?) -> String {
        let d = any as? [String: String] ?? [:]
        var l = Labels(d)
        let name = l.metricName ?? ""
        l = l.droppingMetricName()
        return name + (l.isEmpty && !name.isEmpty ? "" : "{" + l.map { "\($0.name)=\(quoted($0.value))" }.joined(separator: ", ") + "}")
    }

    static func row(_ labels: String, _ point: [Any]) -> Row {
        let t = (point.first as? NSNumber)?.doubleValue ?? 0
        return Row(labels: labels, t: TimeFormat.rfc3339Millis(Timestamp((t * 1000).rounded())), value: point.count > 1 ? "\(point[1])" : "")
    }

    func render(_ format: Format, raw: [UInt8]) -> String {
        switch format {
        case .json: return String(decoding: raw, as: UTF8.self) + "\n"
        case .csv:
            var out = "series,timestamp,value\n"
            for r in rows { out += "\(Self.csvField(r.labels)),\(r.t),\(r.value)\n" }
            return out
        case .table:
            let headers = ["SERIES", "TIMESTAMP", "VALUE"]
            let cols = rows.map { [$0.labels, $0.t, $0.value] }
            var widths = headers.map(\.count)
            for c in cols { for i in 0..<3 { widths[i] = max(widths[i], c[i].count) } }
            func line(_ f: [String]) -> String {
                (0..<3).map { i in i == 2 ? f[i] : f[i].padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "\n"
            }
            return cols.reduce(line(headers)) { $0 + line($1) }
        }
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
