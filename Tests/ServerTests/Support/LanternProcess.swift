import Foundation
import Synchronization

/// Runs the built `lantern` binary as a child process, collecting its stderr (the log).
final class LanternProcess: Sendable {
    let process: Process
    private let log = LinesBox()
    private let stdout = LinesBox()
    /// Pipes still being read; `waitForExit` waits for them so the output is complete.
    private let openReaders = OpenReaders()

    /// The `lantern` executable next to the test bundle (same build folder).
    static var binary: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("lantern")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/lantern")
    }

    /// - Parameter executable: another program to run the same way (default: `lantern`).
    init(_ arguments: [String], directory: URL, captureStdout: Bool = false, executable: URL? = nil) throws {
        process = Process()
        process.executableURL = executable ?? Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardError = pipe
        var readers: [(FileHandle, LinesBox)] = [(pipe.fileHandleForReading, log)]
        if captureStdout {
            let out = Pipe()
            process.standardOutput = out
            readers.append((out.fileHandleForReading, stdout))
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        try process.run()
        openReaders.count.withLock { $0 = readers.count }
        for (handle, box) in readers { Self.drain(handle, into: box, done: openReaders) }
    }

    /// Reads a pipe to its end on a thread of its own. (`readabilityHandler`'s dispatch source
    /// crashed libdispatch's event loop once in CI when the pipe closed under it.)
    private static func drain(_ handle: FileHandle, into box: LinesBox, done: OpenReaders) {
        let thread = Thread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                box.append(String(decoding: data, as: UTF8.self))
            }
            done.count.withLock { $0 -= 1 }
        }
        thread.start()
    }

    var logText: String { log.all.joined() }
    var stdoutText: String { stdout.all.joined() }

    /// Waits until the log contains `text` (or the timeout passes).
    func waitForLog(_ text: String, timeout: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if logText.contains(text) { return true }
            if !process.isRunning { return logText.contains(text) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// The port from the "ready to receive web requests" log line.
    func waitForPort(timeout: Double = 30) async -> Int? {
        guard await waitForLog("ready to receive web requests", timeout: timeout) else { return nil }
        for line in logText.split(separator: "\n") where line.contains("ready to receive web requests") {
            if let r = line.range(of: "address=") {
                let addr = line[r.upperBound...].prefix { $0 != " " }
                return addr.split(separator: ":").last.flatMap { Int($0) }
            }
        }
        return nil
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for exit; returns the status, or nil after the timeout (the process is then killed).
    func waitForExit(timeout: Double = 20) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); return nil }
        // The pipes reach their end right after exit; read them to it before answering.
        let drained = Date().addingTimeInterval(5)
        while openReaders.count.withLock({ $0 }) > 0, Date() < drained { try? await Task.sleep(for: .milliseconds(10)) }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// How many of a child's pipes are still open.
final class OpenReaders: Sendable {
    let count = Mutex(0)
}

/// A fresh temporary directory per test.
func makeTemporaryDirectory(_ name: String = #function) throws -> URL {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-tests-\(getpid())")
    let dir = base.appendingPathComponent(name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8))
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
