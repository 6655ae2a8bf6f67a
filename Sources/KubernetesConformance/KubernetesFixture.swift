public import Foundation

/// One case of the Kubernetes SD conformance corpus: `fixtures/<role>/<case>/`.
public struct KubernetesFixture: Sendable, CustomStringConvertible {
    /// One expected group.
    public struct Group: Sendable {
        public var source: String
        public var labels: [String: String]
        public var targets: [[String: String]]
    }

    /// One entry of `requests` in `expected.json`.
    public struct RequestExpectation: Sendable {
        public var path: String
        public var list: Bool
        public var watch: Bool
        public var query: [String: String]
    }

    /// `<role>/<case>`.
    public let name: String
    public let directory: URL
    public var description: String { name }

    /// Every `<role>/<case>` directory with an `expected.json`, sorted.
    /// - Parameter directory: the conformance folder, its `kubernetes/` or its `kubernetes/fixtures/` sub-folder.
    public static func all(in directory: URL) -> [KubernetesFixture] {
        let root = fixturesFolder(directory)
        let fm = FileManager.default
        var out: [KubernetesFixture] = []
        for role in (try? fm.contentsOfDirectory(atPath: root.path))?.sorted() ?? [] {
            let roleDir = root.appendingPathComponent(role)
            for c in (try? fm.contentsOfDirectory(atPath: roleDir.path))?.sorted() ?? [] {
                let dir = roleDir.appendingPathComponent(c)
                if fm.fileExists(atPath: dir.appendingPathComponent("expected.json").path) {
                    out.append(KubernetesFixture(name: "\(role)/\(c)", directory: dir))
                }
            }
        }
        return out
    }

    /// The folder holding the `<role>/` directories.
    static func fixturesFolder(_ directory: URL) -> URL {
        let fm = FileManager.default
        for candidate in [directory, directory.appendingPathComponent("fixtures"), directory.appendingPathComponent("kubernetes/fixtures")] {
            if fm.fileExists(atPath: candidate.appendingPathComponent("node").path) { return candidate }
        }
        return directory.appendingPathComponent("kubernetes/fixtures")
    }

    func read(_ file: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(file)) }

    public func configYAML(apiServer: String) throws -> String {
        String(decoding: try read("config.yaml"), as: UTF8.self).replacingOccurrences(of: "{{API_SERVER}}", with: apiServer)
    }

    public func collections() throws -> [String: KubernetesFakeAPIServer.Collection] {
        let doc = try JSONSerialization.jsonObject(with: read("objects.json")) as? [String: Any] ?? [:]
        var out: [String: KubernetesFakeAPIServer.Collection] = [:]
        for (path, value) in doc {
            let entry = value as? [String: Any] ?? [:]
            let lists = try (entry["lists"] as? [Any] ?? []).map { try JSONSerialization.data(withJSONObject: $0) }
            out[path] = .init(query: entry["query"] as? [String: String] ?? [:], lists: lists)
        }
        return out
    }

    /// The first list's resourceVersion per path (where watch 0 must start).
    public func firstListVersions() throws -> [String: String] {
        let doc = try JSONSerialization.jsonObject(with: read("objects.json")) as? [String: Any] ?? [:]
        var out: [String: String] = [:]
        for (path, value) in doc {
            let first = ((value as? [String: Any])?["lists"] as? [[String: Any]])?.first
            out[path] = (first?["metadata"] as? [String: Any])?["resourceVersion"] as? String
        }
        return out
    }

    public func script() throws -> (steps: [String: [Int: [KubernetesFakeAPIServer.Step]]], lines: Int) {
        guard let data = try? read("watch.jsonl") else { return ([:], 0) }
        var steps: [String: [Int: [KubernetesFakeAPIServer.Step]]] = [:]
        var lines = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let path = obj["path"] as? String ?? "", n = obj["watch"] as? Int ?? 0
            let step: KubernetesFakeAPIServer.Step
            if let event = obj["event"] as? [String: Any] {
                let isError = event["type"] as? String == "ERROR"
                let code = ((event["object"] as? [String: Any])?["code"] as? Int) ?? 0
                step = .event(try JSONSerialization.data(withJSONObject: event), errorCode: isError ? code : nil)
            } else if let status = obj["status"] as? Int {
                step = .status(status, try JSONSerialization.data(withJSONObject: obj["body"] ?? [:]))
            } else {
                step = .close
            }
            steps[path, default: [:]][n, default: []].append(step)
            lines += 1
        }
        return (steps, lines)
    }

    /// `expected.json`: final groups and the request log's expectations.
    public struct Expected: Sendable {
        public var groups: [Group]
        public var requests: [RequestExpectation]
        public var forbiddenPaths: [String]
        public var requestHeaders: [String: String]
    }

    public func expected() throws -> Expected {
        let doc = try JSONSerialization.jsonObject(with: read("expected.json")) as? [String: Any] ?? [:]
        let groups = (doc["groups"] as? [[String: Any]] ?? []).map { g in
            Group(source: g["source"] as? String ?? "", labels: g["labels"] as? [String: String] ?? [:],
                  targets: g["targets"] as? [[String: String]] ?? [])
        }
        let requests = (doc["requests"] as? [[String: Any]] ?? []).map { r in
            RequestExpectation(path: r["path"] as? String ?? "", list: r["list"] as? Bool ?? false, watch: r["watch"] as? Bool ?? false,
                               query: r["query"] as? [String: String] ?? [:])
        }
        return Expected(groups: groups, requests: requests, forbiddenPaths: doc["forbidden_paths"] as? [String] ?? [],
                        requestHeaders: doc["request_headers"] as? [String: String] ?? [:])
    }
}
