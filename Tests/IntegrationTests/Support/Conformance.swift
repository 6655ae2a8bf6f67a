import Foundation

/// Where the shared conformance corpus lives: `LANTERN_CONFORMANCE_DIR`, else
/// `../shared/conformance` next to the repository root.
enum Conformance {
    static var directory: URL {
        if let env = ProcessInfo.processInfo.environment["LANTERN_CONFORMANCE_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    }

    static func json(_ relativePath: String) throws -> Any {
        let data = try Data(contentsOf: directory.appendingPathComponent(relativePath))
        return try JSONSerialization.jsonObject(with: data)
    }
}
