import ArgumentParser
import Foundation
import Logging
import Model
import Query
import Storage

/// `lantern export`: series as CSV or JSON lines, from the SQLite file (safe while `serve`
/// writes it) or from a running server's `/api/v1/export[/csv]`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export series as CSV (default) or JSON lines.",
        discussion: """
            Columns use the syntax of VictoriaMetrics' /api/v1/export/csv: __name__, any label name, \
            __value__, __timestamp__[:unix_s|unix_ms|unix_ns|rfc3339]. Default: __name__, every label \
            of the selected series (sorted), timestamp (RFC 3339), value.
            Example: lantern export --match 'up{job="node"}' --start -1h --output up.csv.gz
            """
    )

    @Option(name: .customLong("match"), help: "Series selector; repeat for several (their union is exported).")
    var match: [String] = []

    @Option(help: "Start: Unix seconds, RFC 3339, now, or -DURATION (e.g. -1h).")
    var start: String

    @Option(help: "End: as --start.")
    var end: String = "now"

    @Option(name: .customLong("storage.path"), help: "Directory of the SQLite database (or the .db file itself).")
    var storagePath: String?

    @Option(help: "A running Lantern's base URL (e.g. http://127.0.0.1:9090), instead of --storage.path.")
    var url: String?

    @Option(help: "csv or jsonl.")
    var format: String = "csv"

    @Option(help: "CSV columns, comma-separated (see above).")
    var columns: String?

    @Option(help: "Output file (default stdout); a name ending in .gz is gzip-compressed.")
    var output: String?

    @Flag(name: .customLong("include-stale"), help: "Keep staleness markers (printed as NaN).")
    var includeStale = false

    @Flag(name: .customLong("no-header"), help: "Leave out the CSV header row.")
    var noHeader = false

    func run() async throws {
        // Everything that can be wrong with the request is checked before any output exists.
        let request: ExportRequest
        switch Result(catching: { () throws(ExportError) in try makeRequest() }) {
        case .success(let r): request = r
        case .failure(let e): throw ValidationError(e.description)
        }
        if url != nil, storagePath != nil { throw ValidationError("give either --storage.path or --url, not both") }
        signal(SIGPIPE, SIG_IGN)
        let sink: OutputSink
        do { sink = try OutputSink(path: output) } catch { throw failure("\(error)") }
        let progress = ExportProgress()
        let started = ContinuousClock.now
        do {
            let stats: ExportStats
            if let url {
                stats = try RemoteExport(baseURL: url, request: request, columnsSpec: columns, includeStale: includeStale, noHeader: noHeader, selectorTexts: match)
                    .run(into: sink, progress: progress)
            } else {
                stats = try await exportLocal(request, sink: sink, progress: progress)
            }
            try sink.finish()
            progress.finish(stats, bytes: sink.bytesOut, elapsed: ContinuousClock.now - started, to: output ?? "stdout")
        } catch {
            sink.abandon()
            progress.abort()
            throw failure("export failed: \(error)")
        }
    }

    private func makeRequest() throws(ExportError) -> ExportRequest {
        let selectors = try ExportRequest.parseSelectors(match)
        let now = Timestamp.now()
        let s = try ExportTime.parse(start, now: now)
        let e = try ExportTime.parse(end, now: now)
        guard s <= e else { throw .badTime("--start (\(start)) is after --end (\(end))") }
        let fmt: ExportRequest.Format
        switch format {
        case "csv": fmt = .csv(columns: try columns.map { c throws(ExportError) in try ExportColumn.parse(c) }, header: !noHeader)
        case "jsonl", "json": fmt = .jsonLines
        default: throw .badColumns("unknown --format \(quoted(format)); use csv or jsonl")
        }
        if fmt == .jsonLines, columns != nil { throw .badColumns("--columns applies to --format csv only") }
        return ExportRequest(selectors: selectors, start: s, end: e, format: fmt, includeStale: includeStale)
    }

    private func exportLocal(_ request: ExportRequest, sink: OutputSink, progress: ExportProgress) async throws -> ExportStats {
        var path = storagePath ?? "data/"
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            path = (path as NSString).appendingPathComponent("lantern.db")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw OutputError(message: "no database at \(path)") }
        var logger = Logger(label: "lantern.export")
        logger.logLevel = .error
        let storage = try await SQLiteStorage.openReadOnly(path: path, logger: logger)
        let querier = try await storage.querier(mint: request.start, maxt: request.end)
        var buffer = ExportBuffer { try sink.write($0) }
        do {
            let stats = try await SeriesExporter.run(request, querier: querier, into: &buffer) { progress.update($0) }
            await querier.close()
            try await storage.close()
            return stats
        } catch {
            await querier.close()
            try? await storage.close()
            throw error
        }
    }

    private func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("lantern export: \(message)\n".utf8))
        return ExitCode(1)
    }
}

/// The progress line on a terminal (series, samples, rate), a one-line summary otherwise.
final class ExportProgress: @unchecked Sendable {
    private let tty = isatty(STDERR_FILENO) != 0
    private let started = ContinuousClock.now
    private var lastDraw = ContinuousClock.now

    func update(_ s: ExportStats) {
        guard tty else { return }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(200) else { return }
        lastDraw = now
        let secs = max(0.001, (now - started).seconds)
        let line = "\r\u{1B}[K  \(s.series) series  \(s.samples) samples  \(Int(Double(s.samples) / secs)) samples/s"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish(_ s: ExportStats, bytes: Int, elapsed: Duration, to: String) {
        let secs = max(0.001, elapsed.seconds)
        let summary = "exported \(s.series) series, \(s.samples) samples (\(bytes) bytes) to \(to) in \(String(format: "%.2f", secs))s, \(Int(Double(s.samples) / secs)) samples/s\n"
        FileHandle.standardError.write(Data(((tty ? "\r\u{1B}[K" : "") + summary).utf8))
    }

    func abort() { if tty { FileHandle.standardError.write(Data("\n".utf8)) } }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
