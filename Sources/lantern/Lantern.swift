import ArgumentParser
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
}
