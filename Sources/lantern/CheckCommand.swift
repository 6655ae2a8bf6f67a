import ArgumentParser
import Config

/// `lantern check …`: offline checks, like `promtool check`.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the resources for validity.",
        subcommands: [CheckConfigCommand.self]
    )
}

/// `lantern check config FILE...`: validates like `promtool check config` (syntax, semantics
/// and that referenced files exist); exit 0 when every file passes, 1 otherwise.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Check if the config files are valid or not.")

    @Argument(help: "Configuration files to check.")
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            print("Checking \(file)")
            let problems = ConfigChecker.check(path: file)
            if problems.isEmpty {
                print("  SUCCESS: \(file) is valid prometheus config file syntax")
            } else {
                failed = true
                for p in problems { print("  FAILED: \(p)") }
            }
            print("")
        }
        if failed { throw ExitCode(1) }
    }
}
