import ArgumentParser
import Config

/// `lantern check …`: offline checks, like `promtool check`.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the resources for validity.",
        subcommands: [CheckConfigCommand.self, CheckWebConfigCommand.self]
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

/// `lantern check web-config FILE...`: validates web configuration files like
/// `promtool check web-config` (syntax, fields, bcrypt hashes, readable certificate files).
struct CheckWebConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "web-config", abstract: "Check if the web config files are valid or not.")

    @Argument(help: "Web configuration files to check.")
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            let problems = WebConfigLoader.check(path: file)
            if problems.isEmpty {
                print("\(file) SUCCESS")
            } else {
                failed = true
                for p in problems { print("\(file) FAILED: \(p)") }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
