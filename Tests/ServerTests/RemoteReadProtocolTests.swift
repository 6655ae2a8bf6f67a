import Foundation
import Model
import Prompb
import Storage
import SwiftProtobuf
import Testing

/// `/api/v1/read` at the protocol level: several queries in one request, each matcher type,
/// hints narrowing the range, and refusals of bad bodies.
@Suite(.timeLimit(.minutes(1)))
struct RemoteReadProtocolTests {
    static func matcher(_ type: Prometheus_LabelMatcher.TypeEnum, _ name: String, _ value: String) -> Prometheus_LabelMatcher {
        var m = Prometheus_LabelMatcher()
        m.type = type
        m.name = name
        m.value = value
        return m
    }

    @Test func answersEveryQueryWithSnappySamples() async throws {
        let dir = try makeTemporaryDirectory()
        try await ExportCommandTests.makeDatabase(dir, series: 3, samples: 10)  // t = 1…10 s
        try "global: {external_labels: {site: s1}}\nscrape_configs: []\n".write(to: dir.appendingPathComponent("lantern.yml"), atomically: true, encoding: .utf8)
        let port = try freePort()
        let lantern = try LanternProcess(["serve", "--config.file=lantern.yml", "--web.listen-address=127.0.0.1:\(port)", "--storage.path=data"], directory: dir)
        #expect(await lantern.waitForPort() == port, "\(lantern.logText)")

        var q1 = Prometheus_Query()
        q1.startTimestampMs = 2000
        q1.endTimestampMs = 5000
        q1.matchers = [Self.matcher(.eq, "__name__", "export_test"), Self.matcher(.re, "series", "1|2"), Self.matcher(.neq, "series", "2"), Self.matcher(.eq, "site", "s1")]
        var q2 = Prometheus_Query()
        q2.startTimestampMs = 0
        q2.endTimestampMs = 10_000
        q2.matchers = [Self.matcher(.nre, "series", "0|1"), Self.matcher(.eq, "__name__", "export_test")]
        q2.hints.startMs = 9000  // the engine only looks at [9 s, 10 s]
        q2.hints.endMs = 10_000
        var req = Prometheus_ReadRequest()
        req.queries = [q1, q2]
        req.acceptedResponseTypes = [.samples]
        let body = Data(Snappy.encode(try req.serializedBytes()))
        let reply = try await LoopbackHTTP.requestData("POST", port: port, path: "/api/v1/read", body: body)
        #expect(reply.status == 200)
        #expect(reply.headers["content-encoding"] == "snappy")
        #expect(reply.headers["content-type"] == "application/x-protobuf")
        let resp = try Prometheus_ReadResponse(serializedBytes: try Snappy.decode([UInt8](reply.data)))
        #expect(resp.results.count == 2)
        let r1 = resp.results[0].timeseries
        #expect(r1.count == 1)
        #expect(r1.first?.labels.map { "\($0.name)=\($0.value)" } == ["__name__=export_test", "note=plain", "series=1", "site=s1"])
        #expect(r1.first?.samples.map(\.timestamp) == [2000, 3000, 4000, 5000])
        #expect(r1.first?.samples.map(\.value) == [1001.5, 1002.5, 1003.5, 1004.5])
        let r2 = resp.results[1].timeseries
        #expect(r2.map { $0.labels.first { $0.name == "series" }?.value } == ["2"])
        #expect(r2.first?.samples.map(\.timestamp) == [9000, 10_000])

        let garbage = try await LoopbackHTTP.requestData("POST", port: port, path: "/api/v1/read", body: Data([1, 2, 3]))
        #expect(garbage.status == 400)
        var bad = Prometheus_ReadRequest()
        var q3 = Prometheus_Query()
        q3.matchers = [Self.matcher(.re, "series", "(")]
        bad.queries = [q3]
        let badRegex = try await LoopbackHTTP.requestData("POST", port: port, path: "/api/v1/read", body: Data(Snappy.encode(try bad.serializedBytes())))
        #expect(badRegex.status == 400)
        lantern.signal(SIGTERM)
        _ = await lantern.waitForExit()
    }
}
