import Testing
import Model
@testable import Storage

@Suite struct MatcherTests {
    static let series: [Labels] = [
        Labels(("__name__", "http_requests_total"), ("job", "api"), ("code", "200"), ("path", "/a")),
        Labels(("__name__", "http_requests_total"), ("job", "api"), ("code", "500"), ("path", "/b")),
        Labels(("__name__", "http_requests_total"), ("job", "apiserver"), ("code", "200")),
        Labels(("__name__", "http_requests_total"), ("job", "web"), ("code", "404"), ("path", "/axy")),
        Labels(("__name__", "up"), ("job", "api")),
        Labels(("__name__", "up"), ("job", "web"), ("env", "prod")),
        Labels(("__name__", "up"), ("job", "db"), ("env", "")),
    ]

    static let cases: [[Matcher]] = [
        [m("__name__", .equal, "up")],
        [m("job", .notEqual, "api")],
        [m("job", .regexMatch, "api.*")],
        [m("job", .regexMatch, "api|web")],
        [m("job", .regexNoMatch, "api.*")],
        [m("env", .equal, "")],
        [m("env", .notEqual, "")],
        [m("env", .regexMatch, "prod|")],
        [m("env", .regexMatch, ".*")],
        [m("path", .regexMatch, ".*x.*")],
        [m("path", .regexNoMatch, ".+")],
        [m("code", .regexMatch, "[25]00"), m("job", .equal, "api")],
        [m("__name__", .equal, "http_requests_total"), m("path", .equal, "")],
        [m("job", .equal, "nope")],
        [m("nolabel", .notEqual, "x")],
        [m("__name__", .regexMatch, "up|http_requests_total"), m("job", .regexNoMatch, "web|db")],
    ]

    func populated() async throws -> (TempDir, SQLiteStorage) {
        let dir = TempDir()
        let s = try await openStore(dir)
        var app = s.appender()
        for (i, l) in Self.series.enumerated() { _ = try app.append(nil, l, at: 1000, value: Double(i)) }
        try await app.commit()
        return (dir, s)
    }

    @Test func selectAgreesWithBruteForce() async throws {
        let (dir, s) = try await populated()
        _ = dir
        for matchers in Self.cases {
            let want = Set(Self.series.filter { matchers.matches($0) })
            let got = try await readAll(s, matchers)
            #expect(Set(got.keys) == want, "\(matchers)")
        }
        try await s.close()
    }

    @Test func resultsAreSortedByLabels() async throws {
        let (dir, s) = try await populated()
        _ = dir
        let q = try await s.querier(mint: .min, maxt: .max)
        let set = try await q.select(matchers: [m("job", .regexMatch, ".+")])
        #expect(set.series.map(\.labels) == Self.series.sorted())
        await q.close()
        try await s.close()
    }

    @Test func labelNamesAndValues() async throws {
        let (dir, s) = try await populated()
        _ = dir
        let q = try await s.querier(mint: .min, maxt: .max)
        #expect(try await q.labelNames(matchers: []) == ["__name__", "code", "env", "job", "path"])
        #expect(try await q.labelNames(matchers: [m("__name__", .equal, "up")]) == ["__name__", "env", "job"])
        #expect(try await q.labelValues(name: "job", matchers: []) == ["api", "apiserver", "db", "web"])
        #expect(try await q.labelValues(name: "job", matchers: [m("__name__", .equal, "up")]) == ["api", "db", "web"])
        #expect(try await q.labelValues(name: "missing", matchers: []) == [])
        await q.close()
        await #expect(throws: StorageError.self) { _ = try await q.select(matchers: []) }
        try await s.close()
    }

    @Test func postingsSetOperations() {
        #expect(Postings.intersect([[1, 3, 5, 7], [3, 4, 5], [5, 3]].map { $0.sorted() }) == [3, 5])
        #expect(Postings.subtract([1, 2, 3, 4], [2, 4, 9]) == [1, 3])
        var p = Postings()
        p.add(5, Labels(("a", "x")))
        p.add(2, Labels(("a", "x")))
        p.add(9, Labels(("a", "y")))
        p.sortValues()
        #expect(p.refs(matching: [m("a", .equal, "x")]) == [2, 5])
        #expect(p.refs(matching: [m("a", .regexMatch, "x|y")]) == [2, 5, 9])
        p.remove(5, Labels(("a", "x")))
        #expect(p.refs(matching: [m("a", .regexMatch, ".+")]) == [2, 9])
        #expect(p.all == [2, 9])
    }
}
