import Foundation
import Testing

/// Lantern next to the real thing: its HTTP API end to end, `promtool query` against it, and
/// the same PromQL on Debian's Prometheus 2.42 and on Lantern compared result for result.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct InteropTests {
    func fixture() async throws -> InteropFixture {
        guard let f = try await InteropFixture.shared() else {
            Issue.record(Comment(rawValue: PrometheusBinaries.missingMessage))
            throw CancellationError()
        }
        return f
    }

    @Test func lanternServesTheQueryAPI() async throws {
        let f = try await fixture()
        let t = f.evalTime
        func get(_ path: String) async throws -> LoopbackHTTP.Reply { try await LoopbackHTTP.request(port: f.lanternPort, path: path) }
        let q = try await get("/api/v1/query?query=sum%28http_requests_total%29&time=\(t)")
        #expect(q.status == 200)
        #expect(q.body == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[\#(t),"15280"]}]}}"#)
        let r = try await get("/api/v1/query_range?query=batch_last_success&start=\(t - 1800)&end=\(t)&step=5m")
        #expect(r.body == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"batch_last_success","job":"cron"},"values":[[\#(t - 1800),"119"]]}]}}"#)
        let s = try await get("/api/v1/series?match[]=request_duration_seconds_count")
        #expect(s.body == #"{"status":"success","data":[{"__name__":"request_duration_seconds_count","job":"api"},{"__name__":"request_duration_seconds_count","job":"web"}]}"#)
        let l = try await get("/api/v1/labels?match[]=temperature_celsius")
        #expect(l.body == #"{"status":"success","data":["__name__","room"]}"#)
        let v = try await get("/api/v1/label/mode/values")
        #expect(v.body == #"{"status":"success","data":["idle","system","user"]}"#)
        let bad = try await get("/api/v1/query?query=sum(")
        #expect(bad.status == 400)
        #expect(bad.body == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unexpected end of input"}"#)
        let exec = try await get("/api/v1/query?query=label_replace(http_requests_total,%22code%22,%22x%22,%22%22,%22%22)&time=\(t)")
        #expect(exec.status == 422)
        #expect(exec.body.contains(#""errorType":"execution","error":"vector cannot contain metrics with the same labelset""#))
        let post = try await LoopbackHTTP.request("POST", port: f.lanternPort, path: "/api/v1/query",
                                                  body: Data("query=count(temperature_celsius)&time=\(t)".utf8),
                                                  contentType: "application/x-www-form-urlencoded")
        #expect(post.body == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[\#(t),"2"]}]}}"#)
        for path in ["buildinfo", "flags", "runtimeinfo", "config", "tsdb"] {
            let status = try await get("/api/v1/status/\(path)")
            #expect(status.status == 200 && status.body.hasPrefix(#"{"status":"success","data":{"#), "\(path): \(status.body)")
        }
    }

    @Test func promtoolQueriesLantern() async throws {
        let f = try await fixture()
        let lantern = "http://127.0.0.1:\(f.lanternPort)", prometheus = "http://127.0.0.1:\(f.prometheusPort)"
        let t = "\(f.evalTime)"
        let commands: [[String]] = [
            ["query", "instant", "--time=\(t)", "SERVER", "sum by (job) (rate(http_requests_total[5m]))"],
            ["query", "instant", "--time=\(t)", "SERVER", "scalar(sum(node_memory_free_bytes))"],
            ["query", "range", "--start=\(f.evalTime - 600)", "--end=\(t)", "--step=2m", "SERVER", "sum by (code) (increase(http_requests_total[5m]))"],
            ["query", "series", "--match=temperature_celsius", "--match=request_duration_seconds_count", "SERVER"],
            ["query", "labels", "SERVER", "mode"],
            ["query", "labels", "--match=http_requests_total", "SERVER", "instance"],
        ]
        for command in commands {
            let (ours, status) = try await f.promtool(command.map { $0 == "SERVER" ? lantern : $0 })
            let (theirs, _) = try await f.promtool(command.map { $0 == "SERVER" ? prometheus : $0 })
            #expect(status == 0, "promtool \(command) against lantern: \(ours)")
            #expect(!ours.isEmpty)
            #expect(Self.sameLines(ours, theirs), "promtool \(command)\nlantern:\n\(ours)\nprometheus:\n\(theirs)")
        }
        let (instant, _) = try await f.promtool(["query", "instant", "--time=\(t)", lantern, "count(temperature_celsius)"])
        #expect(instant == "{} => 2 @[\(t)]\n")
        let (labels, _) = try await f.promtool(["query", "labels", lantern, "room"])
        #expect(labels == "hall\nkitchen\n")
    }

    @Test func cliQueriesServerAndStorage() async throws {
        let f = try await fixture()
        let t = "\(f.evalTime)"
        let csv = try LanternProcess(["query", "count by (job) (http_requests_total)", "--time=\(t)", "--url=http://127.0.0.1:\(f.lanternPort)", "--format=csv"], directory: f.dir, captureStdout: true)
        #expect(await csv.waitForExit() == 0, "\(csv.logText)")
        try await Task.sleep(for: .milliseconds(50))
        let stamp = TimeFormatForTests.rfc3339(f.evalTime)
        #expect(csv.stdoutText == "series,timestamp,value\n\"{job=\"\"api\"\"}\",\(stamp),4\n\"{job=\"\"web\"\"}\",\(stamp),4\n")
        let table = try LanternProcess(["query-range", "temperature_celsius{room=\"hall\"}", "--start=\(f.evalTime - 60)", "--end=\(t)", "--step=1m",
                                        "--storage.path=lantern-data", "--format=table"], directory: f.dir, captureStdout: true)
        #expect(await table.waitForExit() == 0, "\(table.logText)")
        try await Task.sleep(for: .milliseconds(50))
        let lines = table.stdoutText.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("SERIES") && lines[1].hasPrefix("temperature_celsius{room=\"hall\"}"), "\(table.stdoutText)")
        let bad = try LanternProcess(["query", "sum(", "--url=http://127.0.0.1:\(f.lanternPort)"], directory: f.dir)
        #expect(await bad.waitForExit() == 1)
        #expect(bad.logText.contains("bad_data: invalid parameter \"query\""))
    }
}

extension InteropTests {
    /// promtool's lines in any order, `=> <value>` compared within 1e-6 relative (sums may
    /// add in another order).
    static func sameLines(_ a: String, _ b: String) -> Bool {
        func parse(_ s: String) -> [String: String] {
            var out: [String: String] = [:]
            for line in s.split(separator: "\n") {
                let parts = line.components(separatedBy: " => ")
                out[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            return out
        }
        let pa = parse(a), pb = parse(b)
        guard Set(pa.keys) == Set(pb.keys) else { return false }
        return pa.allSatisfy { k, v in
            let x = v.components(separatedBy: " @"), y = pb[k]!.components(separatedBy: " @")
            return x.count == y.count && x.dropFirst() == y.dropFirst() && ResultComparison.close(x[0], y[0])
        }
    }
}

enum TimeFormatForTests {
    static func rfc3339(_ seconds: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: Double(seconds)))
    }
}
