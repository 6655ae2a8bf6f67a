/// Joins relative paths from a configuration file with the directory holding that file.
///
/// Prometheus resolves `*_file` fields, TLS files, file_sd paths and `rule_files` against the config
/// file's directory (`config.JoinDir`), so a config works the same from any working directory.
struct PathResolver {
    let directory: String

    func callAsFunction(_ path: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/"), !directory.isEmpty else { return path }
        return Self.clean(directory + "/" + path)
    }

    /// Lexical clean-up as Go's `filepath.Clean`: no `//`, `.` or resolvable `..` elements.
    static func clean(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
