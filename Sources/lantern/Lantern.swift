import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Server

/// The `lantern` command: a Prometheus-compatible server and its tools in one binary.
@main
struct Lantern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lantern",
        abstract: "A Prometheus-compatible monitoring server in one binary and one SQLite file.",
        version: BuildInfo.version,
        subcommands: [ServeCommand.self, CheckCommand.self, QueryCommand.self, QueryRangeCommand.self, ExportCommand.self],
        defaultSubcommand: nil
    )

    /// With `LANTERN_NIO_EXECUTOR=1`, Swift concurrency runs its jobs on the HTTP server's event
    /// loops (SwiftNIO's singleton group) instead of the cooperative pool: a request's handler then
    /// continues on the loop that read it, which brings the label APIs to Prometheus's latency, but
    /// measured 13 % more ingest CPU at 1 s scrapes (docs/PERFORMANCE.md), so it is off by default.
    static func main() async {
        if getenv("LANTERN_NIO_EXECUTOR").map({ String(cString: $0) }) == "1" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await main(nil)
    }
}
