public import Foundation
import Config
import Model

/// Runs the relabeling corpus (`relabel/cases.json`, `targets.json`, `config_errors.json`)
/// through the same configuration loader, relabel engine and target builder the server uses.
/// The test suite and `lantern-conformance relabel DIR` both call this.
public enum RelabelConformance {
    /// One case's outcome; `detail` says what differed.
    public struct Result: Sendable {
        public let file: String
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    /// All outcomes plus counts.
    public struct Report: Sendable {
        public let results: [Result]
        public var passed: Int { results.count { $0.passed } }
        public var failed: Int { results.count { !$0.passed } }
        public var summary: String { "\(passed) passed, \(failed) failed" }
    }

    /// - Parameter directory: the conformance folder or its `relabel/` sub-folder.
    public static func run(directory: URL) throws -> Report {
        var dir = directory
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("relabel/cases.json").path) {
            dir = dir.appendingPathComponent("relabel")
        }
        var results: [Result] = []
        results += try cases(dir.appendingPathComponent("cases.json")).map(runRelabelCase)
        results += try cases(dir.appendingPathComponent("targets.json")).map(runTargetCase)
        results += try cases(dir.appendingPathComponent("config_errors.json")).map(runConfigErrorCase)
        return Report(results: results)
    }

    static func cases(_ url: URL) throws -> [[String: Any]] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return root?["cases"] as? [[String: Any]] ?? []
    }

    /// A one-job configuration (JSON is YAML) so defaults are applied exactly as for a file.
    static func load(job: [String: Any], global: Any? = nil) throws -> ScrapeConfig {
        var doc: [String: Any] = ["scrape_configs": [job]]
        if let global { doc["global"] = global }
        let yaml = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
        let config = try ConfigLoader.parse(yaml: yaml, baseDirectory: "/", source: "case")
        guard let first = config.scrapeConfigs.first else { throw ScrapeError(message: "no job in case") }
        return first
    }

    static func runRelabelCase(_ c: [String: Any]) -> Result {
        let name = c["name"] as? String ?? "?"
        do {
            let job = try load(job: ["job_name": "j", "relabel_configs": c["configs"] ?? []])
            let input = Labels((c["input"] as? [String: String]) ?? [:])
            let output = Relabeling.process(input, try job.relabelConfigs.rules())
            let expected = c["output"] as? [String: String]
            let ok = output?.dictionary == expected
            return Result(file: "cases.json", name: name, passed: ok, detail: ok ? "" : "got \(output.map { "\($0)" } ?? "dropped"), want \(expected.map { "\(Labels($0))" } ?? "dropped")")
        } catch {
            return Result(file: "cases.json", name: name, passed: false, detail: "\(error)")
        }
    }

    static func runTargetCase(_ c: [String: Any]) -> Result {
        let name = c["name"] as? String ?? "?"
        do {
            let job = try load(job: c["scrape_config"] as? [String: Any] ?? [:], global: c["global"])
            let builder = try ScrapePool.builder(for: job)
            var results: [TargetBuildResult] = []
            for (i, g) in ((c["groups"] as? [[String: Any]]) ?? []).enumerated() {
                let targets: [Labels] = ((g["targets"] as? [Any]) ?? []).map { t in
                    if let s = t as? String { return Labels((LabelName.address, s)) }
                    return Labels((t as? [String: String]) ?? [:])
                }
                let group = TargetGroup(source: String(i), targets: targets, labels: Labels((g["labels"] as? [String: String]) ?? [:]))
                results += builder.targets(from: group)
            }
            let expected = (c["expected"] as? [[String: Any]]) ?? []
            guard results.count == expected.count else {
                return Result(file: "targets.json", name: name, passed: false, detail: "got \(results.count) targets, want \(expected.count)")
            }
            for (r, e) in zip(results, expected) {
                if let problem = compare(r, e) { return Result(file: "targets.json", name: name, passed: false, detail: problem) }
            }
            return Result(file: "targets.json", name: name, passed: true, detail: "")
        } catch {
            return Result(file: "targets.json", name: name, passed: false, detail: "\(error)")
        }
    }

    static func compare(_ r: TargetBuildResult, _ e: [String: Any]) -> String? {
        switch (e["status"] as? String, r) {
        case ("ok", .target(let t)):
            if t.labels.dictionary != (e["labels"] as? [String: String]) { return "labels \(t.labels)" }
            if t.publicLabels.dictionary != (e["public_labels"] as? [String: String]) { return "public labels \(t.publicLabels)" }
            if t.url != (e["url"] as? String) { return "url \(t.url)" }
            return nil
        case ("dropped", .dropped):
            return nil
        case ("error", .failed(_, let reason)):
            let words = e["error"] as? String ?? ""
            return reason.contains(words) ? nil : "error \(quoted(reason)) lacks \(quoted(words))"
        default:
            return "want \(e["status"] as? String ?? "?"), got \(r)"
        }
    }

    static func runConfigErrorCase(_ c: [String: Any]) -> Result {
        let name = c["name"] as? String ?? "?"
        do {
            _ = try load(job: ["job_name": "j", "relabel_configs": [c["config"] ?? [:]]])
            return Result(file: "config_errors.json", name: name, passed: false, detail: "loaded; want an error (\(c["error"] as? String ?? ""))")
        } catch {
            return Result(file: "config_errors.json", name: name, passed: true, detail: "\(error)")
        }
    }
}
