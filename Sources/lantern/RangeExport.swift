import ArgumentParser
import Foundation
import Logging
import Model
import Query
import Storage

/// The CSV / JSON-lines output of `lantern query-range --storage.path … --format csv|jsonl`:
/// the range result exported like `lantern export` (one row per series per step).
enum RangeExport {
    static func run(expr: String, start: String, end: String, step: String, storagePath: String,
                    format: String, columns: String?, output: String?) async throws {
        let now = Timestamp.now()
        let s: Timestamp, e: Timestamp, fmt: ExportRequest.Format
        do {
            s = try ExportTime.parse(start, now: now)
            e = try ExportTime.parse(end, now: now)
            switch format {
            case "csv": fmt = .csv(columns: try columns.map { c throws(ExportError) in try ExportColumn.parse(c) }, header: true)
            case "jsonl", "json": fmt = .jsonLines
            default: throw ExportError.badColumns("unknown --format \(quoted(format)); use csv or jsonl")
            }
        } catch {
            throw ValidationError("\(error)")
        }
        guard let stepMs = ExportTime.duration(step), stepMs > 0 else { throw ValidationError("invalid --step \(quoted(step))") }
        var path = storagePath
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            path = (path as NSString).appendingPathComponent("lantern.db")
        }
        var logger = Logger(label: "lantern.query-range")
        logger.logLevel = .error
        let storage = try await SQLiteStorage.openReadOnly(path: path, logger: logger)
        let result: QueryResult
        do {
            result = try await Engine().rangeQuery(expr, start: s, end: e, step: stepMs, queryable: storage)
        } catch {
            try await storage.close()
            throw ValidationError("\(error)")
        }
        try await storage.close()
        guard case .matrix(let matrix) = result.value else { throw ValidationError("query did not return a matrix") }
        let series = matrix.map { Series(labels: $0.labels, samples: $0.points) }
        signal(SIGPIPE, SIG_IGN)
        let sink = try OutputSink(path: output)
        var buffer = ExportBuffer { try sink.write($0) }
        do {
            _ = try await SeriesExporter.run(ExportRequest(selectors: [[]], start: s, end: e, format: fmt, includeStale: true),
                                             querier: MemoryQuerier(series: series), into: &buffer)
            try sink.finish()
        } catch {
            sink.abandon()
            FileHandle.standardError.write(Data("lantern query-range: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
