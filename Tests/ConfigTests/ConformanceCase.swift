import Foundation
import Testing
@testable import Config

/// A JSON value from the manifest or from an encoded configuration.
enum JSONValue: Decodable, Sendable, Equatable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let d): return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\($0): \(o[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}

/// One entry of `config/manifest.json`.
struct ConformanceCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let file: String
    let expect: String
    let errorContains: [String]?
    let unsupported: [String]?
    let expectValues: [String: JSONValue]?
    let optionalFeature: String?

    enum CodingKeys: String, CodingKey {
        case name, file, expect, errorContains = "error_contains", unsupported
        case expectValues = "expect_values", optionalFeature = "optional_feature"
    }

    var testDescription: String { "config/\(name)" }
}

/// Loads the corpus and judges one case; shared by the per-case test and the summary test.
enum Conformance {
    /// `$LANTERN_CONFORMANCE_DIR`, or `<repo root>/../shared/conformance`.
    static var root: URL {
        if let dir = ProcessInfo.processInfo.environment["LANTERN_CONFORMANCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir).standardizedFileURL
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent("../shared/conformance").standardizedFileURL
    }

    static var configRoot: URL { root.appendingPathComponent("config") }

    /// Cases that cannot pass, with the reason. Keep this empty.
    static let skipped: [String: String] = [:]

    static func cases() -> [ConformanceCase] {
        let url = configRoot.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url) else { return [] }
        struct Manifest: Decodable { let cases: [ConformanceCase] }
        return (try? JSONDecoder().decode(Manifest.self, from: data).cases) ?? []
    }

    /// nil when the case passes; otherwise why it failed.
    static func run(_ c: ConformanceCase) -> String? {
        let path = configRoot.appendingPathComponent(c.file).path
        let result: Result<PrometheusConfig, ConfigError>
        do { result = .success(try ConfigLoader.load(path: path)) } catch { result = .failure(error) }
        switch (c.expect, result) {
        case ("load", .success(let config)):
            return checkValues(c, config, configDir: (path as NSString).deletingLastPathComponent)
        case ("load", .failure(let e)):
            return "expected to load, got: \(e)"
        case ("reject", .success):
            return "expected a rejection, but it loaded"
        case ("reject", .failure(let e)):
            let text = e.description.lowercased()
            let missing = (c.errorContains ?? []).filter { !text.contains($0.lowercased()) }
            return missing.isEmpty ? nil : "error \(e) lacks \(missing)"
        case ("unsupported", .success):
            return "expected 'not supported', but it loaded"
        case ("unsupported", .failure(let e)):
            let text = e.description.lowercased()
            guard text.contains("not supported"),
                  (c.unsupported ?? []).contains(where: { text.contains($0.lowercased()) }) else {
                return "expected 'not supported' naming one of \(c.unsupported ?? []), got: \(e)"
            }
            return nil
        default:
            return "unknown expectation \(c.expect)"
        }
    }

    private static func checkValues(_ c: ConformanceCase, _ config: PrometheusConfig, configDir: String) -> String? {
        guard let expected = c.expectValues, !expected.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.userInfo[Secret.revealKey] = true
        guard let data = try? encoder.encode(config), let actualRoot = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return "cannot encode the loaded configuration"
        }
        var problems: [String] = []
        for key in expected.keys.sorted() {
            let want = expected[key]!
            let got = lookup(actualRoot, key)
            if !matches(want, got, configDir: configDir) { problems.append("\(key): want \(want), got \(got.map(\.description) ?? "nothing")") }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// Follows `a.b[1].c` through encoded JSON.
    static func lookup(_ root: JSONValue, _ path: String) -> JSONValue? {
        var current: JSONValue? = root
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indices: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]") {
                indices.insert(Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) ?? -1, at: 0)
                name = name[..<open]
            }
            guard case .object(let o)? = current else { return nil }
            current = o[String(name)]
            if current == nil, indices.isEmpty { return nil }
            for i in indices {
                guard case .array(let a)? = current, a.indices.contains(i) else { return nil }
                current = a[i]
            }
        }
        return current
    }

    static func matches(_ want: JSONValue, _ got: JSONValue?, configDir: String) -> Bool {
        switch (want, got) {
        case (.array(let w), nil): return w.isEmpty
        case (.object(let w), nil): return w.isEmpty
        case (.string(let w), .string(let g)?):
            if w.contains("{config_dir}") {
                return PathResolver.clean(w.replacingOccurrences(of: "{config_dir}", with: configDir)) == g
            }
            if let wd = try? PromDuration(parsing: w), let gd = try? PromDuration(parsing: g) { return wd == gd }
            return w == g
        case (.array(let w), .array(let g)?):
            return w.count == g.count && zip(w, g).allSatisfy { matches($0, $1, configDir: configDir) }
        case (.object(let w), .object(let g)?):
            return Set(w.keys) == Set(g.keys) && w.allSatisfy { matches($0.value, g[$0.key], configDir: configDir) }
        default:
            return want == got
        }
    }
}
