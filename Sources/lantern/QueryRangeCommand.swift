import ArgumentParser
import Foundation
import Logging
import Model
import Query
import Storage

/// `lantern query-range EXPR --format csv`: evaluates a PromQL range query over the SQLite
/// file and exports the result like `lantern export` (one row per series per step).
struct QueryRangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query-range",
        abstract: "Evaluate a PromQL range query over the SQLite file and print it as CSV or JSON lines."
    )

    @Argument(help: "PromQL expression (scalar or instant vector).")
    var expr: String

    @Option(help: "Start: Unix seconds, RFC 3339, now, or -DURATION.")
    var start: String

    @Option(help: "End: as --start.")
    var end: String = "now"

    @Option(help: "Resolution step (Prometheus duration, e.g. 15s, 1m).")
    var step: String = "1m"

    @Option(name: .customLong("storage.path"), help: "Directory of the SQLite database (or the .db file itself).")
    var storagePath: String = "data/"

    @Option(help: "csv or jsonl.")
    var format: String = "csv"

    @Option(help: "CSV columns (as for `lantern export`).")
    var columns: String?

    @Option(help: "Output file (default stdout); .gz compresses.")
    var output: String?

    func run() async throws {
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
        let result = try await Self.evaluate(expr, start: s, end: e, step: stepMs, storage: storage)
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

    /// Runs the synchronous engine on a thread of its own (its selects wait for the storage).
    static func evaluate(_ expr: String, start: Timestamp, end: Timestamp, step: Int64, storage: SQLiteStorage) async throws -> QueryResult {
        try await withCheckedThrowingContinuation { cont in
            let thread = Thread {
                do {
                    cont.resume(returning: try Engine().rangeQuery(expr, start: start, end: end, step: step, source: BlockingSeriesSource(storage: storage)))
                } catch {
                    cont.resume(throwing: ValidationError("\(error)"))
                }
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }
}
