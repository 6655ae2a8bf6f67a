import Foundation
import Model
import Storage
import Testing

/// `lantern export` and `/api/v1/export[/csv]` as users run them: the binary, a real file, pipes.
@Suite(.timeLimit(.minutes(2)))
struct ExportCommandTests {
    /// A database with `series` series of `samples` samples (t = 1s…, value = series*1000+i).
    static func makeDatabase(_ dir: URL, series: Int, samples: Int) async throws {
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let storage = try await SQLiteStorage.open(path: data.appendingPathComponent("lantern.db").path)
        var app = storage.appender()
        for s in 0..<series {
            let labels = Labels(("__name__", "export_test"), ("series", "\(s)"), ("note", s == 0 ? "a,\"quoted\"" : "plain"))
            for i in 0..<samples { _ = try app.append(nil, labels, at: Timestamp((i + 1) * 1000), value: Double(s * 1000 + i) + 0.5) }
        }
        try await app.commit()
        try await storage.close()
    }

    static func run(_ args: [String], in dir: URL) async throws -> (Int32?, String) {
        let p = try LanternProcess(args, directory: dir)
        let status = await p.waitForExit(timeout: 60)
        return (status, p.logText)
    }

    @Test func exportsGzipCSVFromTheFileAndRejectsBadInputBeforeWriting() async throws {
        let dir = try makeTemporaryDirectory()
        try await Self.makeDatabase(dir, series: 3, samples: 10)
        let (status, log) = try await Self.run(["export", "--storage.path=data", "--match", "export_test", "--start", "0", "--end", "5",
                                                "--output", "out.csv.gz"], in: dir)
        #expect(status == 0, "\(log)")
        #expect(log.contains("exported 3 series, 15 samples"), "\(log)")
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", dir.appendingPathComponent("out.csv.gz").path]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        gunzip.waitUntilExit()
        let lines = text.split(separator: "\n")
        #expect(lines.first == "__name__,note,series,timestamp,value")
        #expect(lines[1] == "export_test,\"a,\"\"quoted\"\"\",0,1970-01-01T00:00:01.000Z,0.5")
        #expect(lines.count == 16)

        for (args, message) in [(["--match", "export_test{"], "invalid selector"), (["--match", "export_test", "--columns", "__timestamp__:days"], "unknown timestamp format"),
                                (["--match", "export_test", "--start", "tomorrow"], "invalid time")] {
            var a = ["export", "--storage.path=data", "--start", "0", "--output", "bad.csv"] + args
            if args.contains("--start") { a.removeSubrange(2...3) }
            let (st, log) = try await Self.run(a, in: dir)
            #expect(st != 0)
            #expect(log.contains(message), "\(log)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.csv").path))
        }
    }

    @Test func queryRangeExportsAPromQLResultAsCSV() async throws {
        let dir = try makeTemporaryDirectory()
        try await Self.makeDatabase(dir, series: 3, samples: 10)
        let p = try LanternProcess(["query-range", "sum by (note) (export_test)", "--start", "1", "--end", "3", "--step", "1s", "--storage.path=data", "--format=csv"],
                                   directory: dir, captureStdout: true)
        #expect(await p.waitForExit(timeout: 30) == 0, "\(p.logText)")
        try await Task.sleep(for: .milliseconds(100))
        let q = #","a,""quoted""","#
        let expected = ["__name__,note,timestamp,value",
                        q + "1970-01-01T00:00:01.000Z,0.5", q + "1970-01-01T00:00:02.000Z,1.5", q + "1970-01-01T00:00:03.000Z,2.5",
                        ",plain,1970-01-01T00:00:01.000Z,3001", ",plain,1970-01-01T00:00:02.000Z,3003", ",plain,1970-01-01T00:00:03.000Z,3005"]
        #expect(p.stdoutText == expected.joined(separator: "\n") + "\n", "\(p.logText)")
    }

    @Test func aFullDiskStopsTheExportWithAMessage() async throws {
        let dir = try makeTemporaryDirectory()
        try await Self.makeDatabase(dir, series: 5, samples: 2000)
        let (status, log) = try await Self.run(["export", "--storage.path=data", "--match", "export_test", "--start", "0", "--output", "/dev/full"], in: dir)
        #expect(status == 1)
        #expect(log.contains("no space left on device"), "\(log)")
        #expect(FileManager.default.fileExists(atPath: "/dev/full"))
    }

    @Test func aClosedPipeStopsTheExportWithAMessage() async throws {
        let dir = try makeTemporaryDirectory()
        try await Self.makeDatabase(dir, series: 20, samples: 5000)
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/bash")
        sh.currentDirectoryURL = dir
        sh.arguments = ["-c", "'\(LanternProcess.binary.path)' export --storage.path=data --match export_test --start 0 2>err.txt | head -c 100 >/dev/null; echo ${PIPESTATUS[0]}"]
        let out = Pipe()
        sh.standardOutput = out
        try sh.run()
        let status = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        sh.waitUntilExit()
        let err = try String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)
        #expect(status == "1", "\(err)")
        #expect(err.contains("broken pipe"), "\(err)")
    }

    @Test func httpExportStreamsCSVAndJSONLinesAndTheCLIReadsIt() async throws {
        let dir = try makeTemporaryDirectory()
        try await Self.makeDatabase(dir, series: 2, samples: 4)
        try "scrape_configs: []\n".write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let port = try freePort()
        let lantern = try LanternProcess(["serve", "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:\(port)", "--storage.path=data"], directory: dir)
        #expect(await lantern.waitForPort() == port, "\(lantern.logText)")

        let csv = try await LoopbackHTTP.request(port: port, path: "/api/v1/export/csv?match%5B%5D=export_test%7Bseries%3D%221%22%7D&start=0&end=3&format=__name__,series,__value__,__timestamp__:unix_s")
        #expect(csv.status == 200)
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.body == "export_test,1,1000.5,1\nexport_test,1,1001.5,2\nexport_test,1,1002.5,3\n")
        let withHeader = try await LoopbackHTTP.request(port: port, path: "/api/v1/export/csv?match%5B%5D=export_test&start=0&end=1")
        #expect(withHeader.body.hasPrefix("__name__,note,series,timestamp,value\n"))
        let jsonl = try await LoopbackHTTP.request(port: port, path: "/api/v1/export?match%5B%5D=export_test&start=0&end=2")
        #expect(jsonl.body.split(separator: "\n").first == #"{"metric":{"__name__":"export_test","note":"a,\"quoted\"","series":"0"},"values":[0.5,1.5],"timestamps":[1000,2000]}"#)
        let bad = try await LoopbackHTTP.request(port: port, path: "/api/v1/export/csv?match%5B%5D=%7B")
        #expect(bad.status == 400)
        #expect(bad.body.contains("bad_data"))

        let (status, log) = try await Self.run(["export", "--url", "http://127.0.0.1:\(port)", "--match", "export_test", "--start", "0", "--end", "10",
                                                "--output", "remote.csv"], in: dir)
        #expect(status == 0, "\(log)")
        let text = try String(contentsOf: dir.appendingPathComponent("remote.csv"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 9)
        #expect(log.contains("8 samples"), "\(log)")
        lantern.signal(SIGTERM)
        _ = await lantern.waitForExit()
    }
}
