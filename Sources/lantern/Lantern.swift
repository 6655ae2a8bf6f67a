import ArgumentParser
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

    /// Swift concurrency runs its jobs on the HTTP server's event loops (SwiftNIO's singleton
    /// group) instead of a separate pool: a request's handler then continues on the loop that
    /// read it, and a job enqueued from a loop stays there, so requests and scrapes cross
    /// threads less often (each crossing is a futex wake-up). Blocking calls stay off both.
    static func main() async {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}
