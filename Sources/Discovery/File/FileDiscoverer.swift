public import Config
#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import Logging
public import Model
import Synchronization

/// `file_sd_configs`: target groups from JSON/YAML files matching glob patterns, re-read on
/// every change (inotify) and every `refresh_interval`. A malformed file keeps its last good
/// groups and logs where it is wrong; a deleted file's groups are removed.
public struct FileDiscoverer: Discoverer {
    public let config: FileSDConfig
    let logger: Logger
    let errors: FileSDErrors

    public init(config: FileSDConfig, logger: Logger, errors: FileSDErrors = .shared) {
        self.config = config
        self.logger = logger
        self.errors = errors
    }

    public func run(updates: AsyncStream<[TargetGroup]>.Continuation) async {
        let (changes, notify) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let directories = config.files.map { ($0 as NSString).deletingLastPathComponent }.map { $0.isEmpty ? "." : $0 }
        let watcher = FileWatcher(directories: directories) { notify.yield() }
        defer { watcher.stop() }
        let refresh = Duration.milliseconds(max(config.refreshInterval.milliseconds, 1000))
        let timer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: refresh)
                notify.yield()
            }
        }
        defer { timer.cancel() }
        var state = FileSDState()
        updates.yield(state.refresh(patterns: config.files, logger: logger, errors: errors))
        await withTaskCancellationHandler {
            for await _ in changes {
                if Task.isCancelled { break }
                let changed = state.refresh(patterns: config.files, logger: logger, errors: errors)
                if !changed.isEmpty { updates.yield(changed) }
            }
        } onCancel: {
            notify.finish()
        }
    }
}

/// Counts files that could not be read (`lantern_sd_file_read_errors_total`).
public final class FileSDErrors: Sendable {
    /// The process-wide counter the server exposes.
    public static let shared = FileSDErrors()
    private let count = Atomic<Int>(0)
    public init() {}
    public var total: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}

/// What one file discoverer last sent, per file, so it can send only what changed.
struct FileSDState {
    /// Last good groups per file.
    var groups: [String: [TargetGroup]] = [:]

    /// Re-reads every matching file; returns the groups that changed (removed ones as empty).
    mutating func refresh(patterns: [String], logger: Logger, errors: FileSDErrors) -> [TargetGroup] {
        let files = Set(patterns.flatMap(Self.glob))
        var changed: [TargetGroup] = []
        for file in files.sorted() {
            let old = groups[file] ?? []
            let new: [TargetGroup]
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                new = try TargetGroupFile.parse(text, file: file)
            } catch {
                errors.increment()
                logger.info("Error reading file", metadata: ["path": "\(file)", "err": "\(error)"])
                continue  // keep the last good groups of this file
            }
            if new != old {
                changed += new
                // Groups at indices the file no longer has are sent empty so their targets go.
                if old.count > new.count {
                    changed += old[new.count...].map { TargetGroup(source: $0.source) }
                }
            }
            groups[file] = new
        }
        for (file, old) in groups where !files.contains(file) {
            changed += old.map { TargetGroup(source: $0.source) }
            groups[file] = nil
        }
        return changed
    }

    /// Paths matching a pattern (`*` only in the last element), sorted.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }
}
