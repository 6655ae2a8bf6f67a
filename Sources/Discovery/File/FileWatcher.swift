#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Signals changes in a set of directories with inotify, from a dedicated thread (the
/// blocking `poll` never runs on Swift's cooperative pool). Where inotify is unavailable it
/// falls back to polling the directories' file modification times every second.
final class FileWatcher: Sendable {
    private let flag = StopFlag()

    /// Starts watching; `onChange` is called (from the watcher thread) after each change.
    init(directories: [String], onChange: @escaping @Sendable () -> Void) {
        let dirs = Array(Set(directories))
        // Watches are registered before init returns, so no change after it can be missed.
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd >= 0 {
            let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_ATTRIB)
            for d in dirs { _ = inotify_add_watch(fd, d, mask) }
        }
        let thread = Thread { [flag] in
            guard fd >= 0 else {
                Self.pollModificationTimes(dirs, flag: flag, onChange: onChange)
                return
            }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !flag.isSet {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 250) > 0 else { continue }
                var changed = false
                while read(fd, &buffer, buffer.count) > 0 { changed = true }
                if changed { onChange() }
            }
        }
        thread.name = "lantern.file-sd"
        thread.start()
    }

    /// Stops the watcher thread (within 250 ms).
    func stop() { flag.set() }

    deinit { stop() }

    private static func pollModificationTimes(_ dirs: [String], flag: StopFlag, onChange: @Sendable () -> Void) {
        func snapshot() -> [String: Date] {
            var out: [String: Date] = [:]
            for d in dirs {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? [] {
                    let path = d + "/" + name
                    out[path] = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
                }
            }
            return out
        }
        var last = snapshot()
        while !flag.isSet {
            usleep(1_000_000)
            let now = snapshot()
            if now != last { last = now; onChange() }
        }
    }
}

/// A one-way stop signal shared with a thread.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
