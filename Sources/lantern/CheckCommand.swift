import ArgumentParser

/// `lantern check …`: offline checks, like `promtool check`.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the resources for validity.",
        subcommands: [CheckConfigCommand.self]
    )
}

/// `lantern check config FILE...`: validates like `promtool check config`; exit 0 when all pass.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Check if the config files are valid or not.")

    @Argument(help: "Configuration files to check.")
    var files: [String]

    func run() async throws {
        throw ExitCode(1)
    }
}
