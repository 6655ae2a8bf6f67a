import ArgumentParser

@main
struct Lantern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lantern",
        abstract: "A Prometheus-compatible monitoring server in one binary and one SQLite file."
    )
}
