import Foundation
import Testing
@testable import Server

/// A CI-sized version of scripts/api-load.sh: a few hundred concurrent requests over the read
/// API's endpoints against an in-process server, with queries queueing for a small
/// `--query.max-concurrency`; every reply must be a 2xx and the slot gauges must drain.
@Suite(.timeLimit(.minutes(2)))
struct APILoadTests {
    @Test func concurrentReadAPIRequestsAllSucceed() async throws {
        try await LimitsTests.withServer({ $0.queryMaxConcurrency = 2 }) { port in
            let now = Int(Date().timeIntervalSince1970)
            let paths = [
                "/api/v1/query?query=sum(up)",
                "/api/v1/query_range?query=count_over_time(vector(1)%5B1m:5s%5D)&start=\(now - 600)&end=\(now)&step=15",
                "/api/v1/series?match[]=up",
                "/api/v1/labels",
                "/api/v1/format_query?query=sum(rate(x%5B5m%5D))",
            ]
            let total = 300, concurrency = 24
            let failures = try await withThrowingTaskGroup(of: String?.self) { group in
                var next = 0, failures: [String] = []
                func launch() {
                    let path = paths[next % paths.count]
                    next += 1
                    group.addTask {
                        let r = try await LoopbackHTTP.request(port: port, path: path, timeout: 30)
                        return (200..<300).contains(r.status) ? nil : "\(path): \(r.status) \(r.body.prefix(200))"
                    }
                }
                for _ in 0..<concurrency { launch() }
                while let result = try await group.next() {
                    if let result { failures.append(result) }
                    if next < total { launch() }
                }
                return failures
            }
            #expect(failures.isEmpty, "\(failures.count) of \(total) failed: \(failures.prefix(3))")
            #expect(try await LimitsTests.metric(port, "lantern_engine_queries") == 0)
            #expect(try await LimitsTests.metric(port, "lantern_engine_queries_total") == Double(total / paths.count * 2))
        }
    }
}
