import ArgumentParser
import Foundation
import Query
import Storage

/// Where and how `lantern query` and `lantern query-range` run and print.
struct QueryTarget: ParsableArguments {
    @Option(name: .customLong("url"), help: "Base URL of a running Lantern or Prometheus server (e.g. http://127.0.0.1:9090).")
    var url: String?

    @Option(name: .customLong("storage.path"), help: "Query a storage directory (or lantern.db file) directly, read-only.")
    var storagePath: String?

    @Option(name: .customLong("format"), help: "Output format: table, json or csv (query-range on --storage.path: csv and jsonl are export rows).")
    var format: String = "table"

    @Option(name: .customLong("query.lookback-delta"), help: "Lookback delta when querying a storage path directly.")
    var lookbackDelta: String = "5m"

    func validate() throws {
        guard (url == nil) != (storagePath == nil) else { throw ValidationError("give exactly one of --url and --storage.path") }
        guard QueryOutput.Format(rawValue: format) != nil || (format == "jsonl" && storagePath != nil) else {
            throw ValidationError("--format must be table, json or csv (jsonl with --storage.path)")
        }
    }

    /// Runs `endpoint` with `params` and prints the answer; exits 1 on an API error.
    func run(endpoint: String, params: [(String, String)]) async throws {
        let body: [UInt8]
        if let url {
            body = try await QueryClient.get(base: url, path: "/api/v1/\(endpoint)", params: params)
        } else {
            let storage = try await QueryClient.openStorage(storagePath!)
            let lookback = try FlagValues.duration(lookbackDelta, flag: "--query.lookback-delta")
            body = await QueryClient.local(storage: storage, endpoint: endpoint, params: params, lookbackDelta: lookback)
            try? await storage.close()
        }
        let output = try QueryOutput(body)
        for w in output.warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        if let error = output.error {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(output.render(QueryOutput.Format(rawValue: format)!, raw: body), terminator: "")
    }
}

/// `lantern query EXPR [--time T]`: an instant query.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run an instant PromQL query against a server (--url) or a storage directory (--storage.path)."
    )

    @Argument(help: "The PromQL expression.")
    var expr: String

    @Option(name: .customLong("time"), help: "Evaluation time, RFC 3339 or Unix seconds (default: now).")
    var time: String?

    @OptionGroup var target: QueryTarget

    func run() async throws {
        var params = [("query", expr)]
        if let time { params.append(("time", time)) }
        try await target.run(endpoint: "query", params: params)
    }
}

/// `lantern query-range EXPR --start --end --step`: a range query.
struct QueryRangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query-range",
        abstract: "Run a PromQL range query against a server (--url) or a storage directory (--storage.path)."
    )

    @Argument(help: "The PromQL expression.")
    var expr: String

    @Option(name: .customLong("start"), help: "Start time, RFC 3339 or Unix seconds (default: end - 1h).")
    var start: String?

    @Option(name: .customLong("end"), help: "End time, RFC 3339 or Unix seconds (default: now).")
    var end: String?

    @Option(name: .customLong("step"), help: "Resolution: a duration (15s) or float seconds (default: 15s).")
    var step: String = "15s"

    @Option(help: "CSV columns as for `lantern export` (with --storage.path and --format csv).")
    var columns: String?

    @Option(help: "Output file for csv/jsonl rows (default stdout); .gz compresses.")
    var output: String?

    @OptionGroup var target: QueryTarget

    func run() async throws {
        if let path = target.storagePath, target.format == "csv" || target.format == "jsonl" {
            // Rows like `lantern export` (one per series per step), as issue 6 specifies.
            let startText = start ?? "-1h"
            try await RangeExport.run(expr: expr, start: startText, end: end ?? "now", step: step, storagePath: path,
                                      format: target.format, columns: columns, output: output)
            return
        }
        let endText = end ?? String(Double(Int64(Date().timeIntervalSince1970 * 1000)) / 1000)
        let endT: Int64
        do { endT = try APIParse.time(endText) } catch { throw ValidationError("invalid --end: \(error)") }
        let startText = start ?? String(Double(endT - 3_600_000) / 1000)
        try await target.run(endpoint: "query_range", params: [("query", expr), ("start", startText), ("end", endText), ("step", step)])
    }
}
