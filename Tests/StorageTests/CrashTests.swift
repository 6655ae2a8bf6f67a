import Foundation
import Testing
import Model
@testable import Storage

/// Durability across `kill -9`: a child process commits and acknowledges; we SIGKILL it
/// mid-stream and check the file. Commit n holds, for k in 0..<8, series {k="k"} at
/// n*1000 = value(n, k) (the formula of Tests/StorageCrashHelper/main.swift).
@Suite struct CrashTests {
    static func value(_ n: Int, _ k: Int) -> Double {
        if (n + k) % 11 == 0 { return Double(bitPattern: 0x7ff0_0000_0000_0000 | UInt64(n * 16 + k + 1)) }
        return Double(n) * 1.25 + Double(k)
    }

    static func helperPath() -> String? {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("lantern-storage-crash-helper").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    @Test(.timeLimit(.minutes(1)))
    func everyAcknowledgedCommitSurvivesSIGKILL() async throws {
        let helper = try #require(Self.helperPath(), "build it with `swift build --build-tests`")
        let dir = TempDir()
        var lastAck = -1
        for round in 0..<2 {  // the second round resumes after a crash and crashes again
            let p = Process()
            p.executableURL = URL(fileURLWithPath: helper)
            p.arguments = [dir.path(), "1000000", "\(round)"]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            var buffer = Data()
            var acks = 0
            let target = 400 + Int.random(in: 0..<400)
            while acks < target {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer += chunk
                acks = buffer.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            }
            kill(p.processIdentifier, SIGKILL)
            buffer += out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
            let acked = lines.compactMap { $0.hasPrefix("ack ") ? Int($0.dropFirst(4)) : nil }
            #expect(!acked.isEmpty)
            lastAck = acked.last ?? lastAck
            try await verify(dir, lastAck: lastAck)
        }
    }

    /// Every acknowledged commit is present bit-exact; at most the one commit in flight at
    /// the kill may also be present (durable but not yet acknowledged), and then whole.
    func verify(_ dir: TempDir, lastAck: Int) async throws {
        let s = try await SQLiteStorage.open(path: dir.path(), options: testOptions(), logger: quietLogger)
        let got = try await readAll(s, [m("__name__", .equal, "crash_test")])
        try await s.close()
        #expect(got.count == 8)
        var counts: Set<Int> = []
        for (labels, samples) in got {
            let k = Int(labels["k"]!)!
            counts.insert(samples.count)
            #expect(samples.count == lastAck + 1 || samples.count == lastAck + 2, "k=\(k) has \(samples.count), last ack \(lastAck)")
            for (n, sample) in samples.enumerated() {
                if sample != Sample(t: Int64(n) * 1000, v: Self.value(n, k)) {
                    Issue.record("k=\(k) n=\(n): got \(sample.t) \(sample.v.bitPattern)")
                    break
                }
            }
        }
        #expect(counts.count == 1, "a commit was torn: \(counts)")
    }
}
