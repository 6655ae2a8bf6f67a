import Foundation
import Testing

/// Debian's Prometheus 2.42 (`/usr/bin/prometheus`) as a real peer: its own config, TSDB
/// directory in the test's temp dir and a random port on 127.0.0.1.
final class PrometheusProcess: Sendable {
    static let binary = "/usr/bin/prometheus"
    let process: Process
    let port: Int
    let directory: URL

    /// Fails the test with an explanation when the binary is missing (CI installs it).
    static func requireBinary() throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("\(binary) not found: these tests need Debian's Prometheus 2.42 as a peer; install it with `apt-get install prometheus` (the Makefile's deps target and .ci/run do)")
            throw PrometheusMissing()
        }
    }

    struct PrometheusMissing: Error {}

    /// Starts Prometheus with `config` (YAML) and waits until it is ready.
    init(config: String, directory: URL, port: Int? = nil, flags: [String] = []) async throws {
        try Self.requireBinary()
        self.directory = directory
        self.port = try port ?? freePort()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try config.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.currentDirectoryURL = directory
        process.arguments = [
            "--config.file=prometheus.yml", "--storage.tsdb.path=data", "--web.listen-address=127.0.0.1:\(self.port)",
            "--log.level=warn",
        ] + flags
        let log = FileHandle(forWritingAtPath: directory.appendingPathComponent("prometheus.log").path)
            ?? { FileManager.default.createFile(atPath: directory.appendingPathComponent("prometheus.log").path, contents: nil)
                 return FileHandle(forWritingAtPath: directory.appendingPathComponent("prometheus.log").path)! }()
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let r = try? await LoopbackHTTP.request(port: self.port, path: "/-/ready", timeout: 1), r.status == 200 { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PrometheusFailed(log: logText)
    }

    struct PrometheusFailed: Error, CustomStringConvertible { let log: String; var description: String { "prometheus did not become ready:\n\(log)" } }

    var logText: String { (try? String(contentsOf: directory.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? "" }

    /// `/api/v1/query`'s result vector as (labels, value) pairs.
    func query(_ expr: String, at time: Double? = nil) async throws -> [([String: String], String)] {
        var path = "/api/v1/query?query=" + expr.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        if let time { path += "&time=\(time)" }
        let r = try await LoopbackHTTP.request(port: port, path: path)
        let json = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any]
        guard let data = json?["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else {
            throw PrometheusFailed(log: "query \(expr) answered \(r.status): \(r.body)")
        }
        return result.map { (($0["metric"] as? [String: String]) ?? [:], (($0["value"] as? [Any])?.last as? String) ?? "") }
    }

    /// `/api/v1/query` of a range selector: every series' labels and raw samples (ms, value).
    func samples(_ selector: String, range: String = "10m") async throws -> [[String: String]: [(Int64, Double)]] {
        let path = "/api/v1/query?query=" + "\(selector)[\(range)]".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let r = try await LoopbackHTTP.request(port: port, path: path)
        let json = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any]
        guard let data = json?["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else {
            throw PrometheusFailed(log: "query \(selector) answered \(r.status): \(r.body)")
        }
        var out: [[String: String]: [(Int64, Double)]] = [:]
        for s in result {
            let values = (s["values"] as? [[Any]]) ?? []
            out[(s["metric"] as? [String: String]) ?? [:]] = values.map { v in
                (Int64((((v[0] as? NSNumber)?.doubleValue ?? 0) * 1000).rounded()), Double(v[1] as? String ?? "") ?? .nan)
            }
        }
        return out
    }

    /// Stops it (SIGTERM, then SIGKILL after 10 s).
    func stop() async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
