import Config
import Foundation
import Logging
import Model
import Testing
@testable import Discovery

@Suite(.timeLimit(.minutes(1)))
struct FileDiscovererTests {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-filesd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func parsesJSONAndYAMLWithSourcesAndFilepath() throws {
        let json = #"[{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}, {"targets": ["c:3"]}]"#
        let groups = try TargetGroupFile.parse(json, file: "/x/t.json")
        #expect(groups.map(\.source) == ["/x/t.json:0", "/x/t.json:1"])
        #expect(groups[0].targets.map { $0["__address__"] } == ["a:1", "b:2"])
        #expect(groups[0].labels["env"] == "prod")
        #expect(groups[1].labels["__meta_filepath"] == "/x/t.json")
        let yaml = "- targets: ['h:9100']\n  labels:\n    zone: a\n"
        #expect(try TargetGroupFile.parse(yaml, file: "f.yml").first?.labels["zone"] == "a")
    }

    @Test(arguments: [
        ("- targets: [a:1]\n  labls: {}\n", "f.yml:2", "unknown field"),
        ("- targets: [a:1]\n  labels: {\"\": x}\n", "f.yml:2", "invalid label name"),
        ("{targets: [a]}", "f.yml:1", "expected a list"),
        ("- targets: [a:1\n", "f.yml", "parser"),
    ])
    func malformedFilesNameFileAndLine(text: String, location: String, words: String) {
        #expect {
            _ = try TargetGroupFile.parse(text, file: "f.yml")
        } throws: { "\($0)".hasPrefix(location) && "\($0)".contains(words) }
    }

    @Test func watchesChangesKeepsLastGoodAndRemovesDeletedFiles() async throws {
        let dir = try tempDir()
        let file = dir.appendingPathComponent("targets.json")
        try #"[{"targets": ["a:1"]}]"#.write(to: file, atomically: true, encoding: .utf8)
        let errors = FileSDErrors()
        let d = FileDiscoverer(config: FileSDConfig(files: [dir.path + "/*.json"], refreshInterval: .minutes(5)), logger: Logger(label: "t"), errors: errors)
        let (updates, sink) = AsyncStream<[TargetGroup]>.makeStream()
        let task = Task { await d.run(updates: sink) }
        defer { task.cancel() }
        var it = updates.makeAsyncIterator()
        let first = await it.next()
        #expect(first?.first?.targets.first?["__address__"] == "a:1")

        try #"[{"targets": ["b:2"]}]"#.write(to: file, atomically: true, encoding: .utf8)
        let second = await it.next()
        #expect(second?.first?.targets.first?["__address__"] == "b:2", "inotify picks up the change well before refresh_interval")

        try "[{not json".write(to: file, atomically: true, encoding: .utf8)
        let deadline = ContinuousClock.now + .seconds(10)
        while errors.total < 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(errors.total >= 1)

        try FileManager.default.removeItem(at: file)
        let third = await it.next()
        #expect(third?.count == 1)
        #expect(third?.first?.targets.isEmpty == true, "a deleted file's groups are sent empty")
    }
}
