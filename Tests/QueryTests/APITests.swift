import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Model
import NIOCore
import Storage
import Testing
@testable import Query

/// Parameter syntax and JSON rendering of the HTTP read API, checked against Prometheus's
/// `web/api/v1` behaviour (messages and bytes copied from Prometheus 2.42/3.x answers).
@Suite struct APITests {
    @Test func parsesTimes() throws {
        func check(_ text: String, _ ms: Timestamp, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect((try? APIParse.time(text)) == ms, "\(text)", sourceLocation: sourceLocation)
        }
        check("1435781451.781", 1_435_781_451_781)
        check("1435781451", 1_435_781_451_000)
        check("0.0005", 1)
        check("-1.5", -1500)
        check("2015-07-01T20:10:51.781Z", 1_435_781_451_781)
        check("2015-07-01T20:10:51Z", 1_435_781_451_000)
        check("2015-07-01T22:10:51.781+02:00", 1_435_781_451_781)
        check("2015-07-01T20:10:51.781123456Z", 1_435_781_451_781)
        check("-292273086-05-16T16:47:06Z", APIParse.minTime)
        check("292277025-08-18T07:12:54.999999999Z", APIParse.maxTime)
        #expect(throws: APIParse.Failure.self) { try APIParse.time("yesterday") }
        #expect((try? APIParse.time("")) == nil)
        do { _ = try APIParse.time("abc") } catch { #expect(error.message == #"cannot parse "abc" to a valid timestamp"#) }
    }

    @Test func parsesDurations() throws {
        #expect(try APIParse.duration("15") == 15_000)
        #expect(try APIParse.duration("0.5") == 500)
        #expect(try APIParse.duration("1m30s") == 90_000)
        #expect(try APIParse.duration("5m") == 300_000)
        #expect(try APIParse.duration("1d") == 86_400_000)
        do { _ = try APIParse.duration("x") } catch { #expect(error.message == #"cannot parse "x" to a valid duration"#) }
        #expect(try APIParse.limit("") == 0)
        do { _ = try APIParse.limit("-1") } catch { #expect(error.message == "limit must be non-negative") }
    }

    @Test func decodesForms() {
        let p = APIParams(query: "match%5B%5D=up&match[]=%7Bjob%3D%22a%22%7D&query=rate(x%5B5m%5D)+%2B+1", body: "query=first")
        #expect(p.value("query") == "first")
        #expect(p.values("query") == ["first", "rate(x[5m]) + 1"])
        #expect(p.values("match[]") == ["up", #"{job="a"}"#])
        #expect(p.value("absent") == "")
    }

    @Test func writesJSONLikeGo() {
        var w = JSONWriter()
        w.point(1_435_781_451_781, 1)
        w.raw(",")
        w.point(1_435_781_451_500, 0.1)
        w.raw(",")
        w.point(1_435_781_451_000, .nan)
        w.raw(",")
        w.point(-1, -.infinity)
        w.raw(",")
        w.point(5, 1e21)
        w.raw(",")
        w.point(5, 1.5e-7)
        w.raw(",")
        w.string("<a&b>\"\\\n\u{1}\u{2028}é")
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"[1435781451.781,"1"],[1435781451.500,"0.1"],[1435781451,"NaN"],[-0.001,"-Inf"],[0.005,"1000000000000000000000"],[0.005,"0.00000015"],"\u003ca\u0026b\u003e\"\\\n\u0001\u2028é""#)
    }

    @Test func readsAcceptEncoding() {
        for yes in ["gzip", "GZIP", " gzip ", "deflate, gzip", "br;q=1, gzip;q=0.5", "*", "gzip; q=1", "identity,\tGzip", "gzip;q=0.01"] {
            #expect(GzipEncoding.accepts(yes), "\(yes)")
        }
        for no in [nil, "", "deflate", "br, identity", "gzip;q=0", "gzip; q=0.000", "*;q=0", "x-gzip", "gzipx", "gzip;Q=0", ",", ";"] {
            #expect(!GzipEncoding.accepts(no), "\(String(describing: no))")
        }
    }

    /// Strings of escaped and plain characters in every mix, against Go's rules spelled out per
    /// Unicode scalar (the writer works on runs of bytes).
    @Test func escapesStringsLikeGoInEveryMix() {
        func reference(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{0}"..."\u{1f}":
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        }
        let alphabet: [String] = ["a", "bc", "é", "€", "\u{2028}", "\u{2029}", "\u{2027}", "\"", "\\", "<", ">", "&", "\n", "\r",
                                  "\t", "\u{1}", "\u{1f}", "\u{7f}", "ü", "😀", "/", "xyz_0"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            var s = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for k in 0..<Int(state >> 60) {
                s += alphabet[Int((state >> UInt64(k * 4)) & 0xFFFF) % alphabet.count]
            }
            var w = JSONWriter()
            w.string(s)
            #expect(String(decoding: w.bytes, as: UTF8.self) == reference(s), "\(s.debugDescription)")
        }
    }

    @Test func rendersEnvelopes() {
        let ok = APIResult.success(Array(#"[]"#.utf8), warnings: ["w1"])
        #expect(String(decoding: ok.body(), as: UTF8.self) == #"{"status":"success","data":[],"warnings":["w1"]}"#)
        let bad = APIResult.invalidParam("time", APIParse.Failure(message: #"cannot parse "x" to a valid timestamp"#))
        #expect(bad.status == 400)
        #expect(String(decoding: bad.body(), as: UTF8.self) == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"time\": cannot parse \"x\" to a valid timestamp"}"#)
        #expect(APIResult.failure(.execution, "x").status == 422)
        #expect(APIResult.failure(.timeout, "x").status == 503)
        #expect(APIResult.failure(.internal, "x").status == 500)
    }

    @Test func answersQueries() async throws {
        try await withFixture { api in
            func body(_ r: APIResult) -> String { String(decoding: r.body(), as: UTF8.self) }
            let q = await api.query(APIParams([("query", "x_total"), ("time", "600")]))
            #expect(body(q) == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"x_total","i":"0"},"value":[600,"40"]},{"metric":{"__name__":"x_total","i":"1"},"value":[600,"80"]}]}}"#)
            let s = await api.query(APIParams([("query", "1.5"), ("time", "600.25")]))
            #expect(body(s) == #"{"status":"success","data":{"resultType":"scalar","result":[600.250,"1.5"]}}"#)
            let str = await api.query(APIParams([("query", #""hi""#), ("time", "1")]))
            #expect(body(str) == #"{"status":"success","data":{"resultType":"string","result":[1,"hi"]}}"#)
            let r = await api.queryRange(APIParams([("query", "sum(x_total)"), ("start", "540"), ("end", "600"), ("step", "30s")]))
            #expect(body(r) == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[540,"108"],[570,"114"],[600,"120"]]}]}}"#)
            let range = await api.query(APIParams([("query", "x_total{i=\"0\"}[30s]"), ("time", "600")]))
            #expect(body(range) == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"x_total","i":"0"},"values":[[585,"39"],[600,"40"]]}]}}"#)
        }
    }

    @Test func limitsStatsAndLookback() async throws {
        try await withFixture { api in
            func body(_ r: APIResult) -> String { String(decoding: r.body(), as: UTF8.self) }
            let q = await api.query(APIParams([("query", "x_total"), ("time", "600"), ("limit", "1")]))
            #expect(body(q) == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"x_total","i":"0"},"value":[600,"40"]}]},"warnings":["results truncated due to limit"]}"#)
            let r = await api.queryRange(APIParams([("query", "x_total"), ("start", "570"), ("end", "600"), ("step", "30"), ("limit", "1")]))
            #expect(body(r) == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"x_total","i":"0"},"values":[[570,"38"],[600,"40"]]}]},"warnings":["results truncated due to limit"]}"#)
            let badLimit = await api.query(APIParams([("query", "x_total"), ("limit", "-1")]))
            #expect(badLimit.error?.message == #"invalid parameter "limit": limit must be non-negative"#)

            // stats: the engine's sample counts and the runner's timings.
            let st = body(await api.query(APIParams([("query", "sum(rate(x_total[1m]))"), ("time", "600"), ("stats", "true")])))
            #expect(st.contains(#""stats":{"timings":{"evalTotalTime":"#))
            #expect(st.contains(#""samples":{"totalQueryableSamples":8,"peakSamples":8}}"#), "\(st)")
            let rs = body(await api.queryRange(APIParams([("query", "x_total"), ("start", "570"), ("end", "600"), ("step", "30"), ("stats", "all")])))
            #expect(rs.contains(#""samples":{"totalQueryableSamples":4,"peakSamples":4}}"#), "\(rs)")
            #expect(!body(await api.query(APIParams([("query", "x_total"), ("time", "600")]))).contains("stats"))
            let odd = body(await api.query(APIParams([("query", "1"), ("time", "600"), ("stats", "yes")])))
            #expect(odd.contains(#"value \"yes\" for parameter \"stats\" is deprecated"#))

            // lookback_delta: the last sample is at 600s; 10s later it is found only with a lookback over 10s.
            #expect(body(await api.query(APIParams([("query", "up"), ("time", "610"), ("lookback_delta", "5s")]))).contains(#""result":[]"#))
            #expect(body(await api.query(APIParams([("query", "up"), ("time", "610"), ("lookback_delta", "15s")]))).contains(#""value":[610,"1"]"#))
            #expect(await api.query(APIParams([("query", "up"), ("lookback_delta", "x")])).error?.message == #"error parsing lookback delta duration: cannot parse "x" to a valid duration"#)
        }
    }

    @Test func parsesQueriesIntoTrees() async throws {
        try await withFixture { api in
            func body(_ q: String) -> String { String(decoding: api.parseQuery(APIParams([("query", q)])).body(), as: UTF8.self) }
            #expect(body("1") == #"{"status":"success","data":{"type":"numberLiteral","val":"1"}}"#)
            #expect(body(#"foo{a="b"} offset 1m"#) == #"{"status":"success","data":{"anchored":false,"matchers":[{"name":"a","type":"=","value":"b"},{"name":"__name__","type":"=","value":"foo"}],"name":"foo","offset":60000,"offsetExpr":null,"smoothed":false,"startOrEnd":null,"timestamp":null,"type":"vectorSelector"}}"#)
            #expect(body("sum by (job) (rate(x[5m]))") == #"{"status":"success","data":{"expr":{"args":[{"anchored":false,"matchers":[{"name":"__name__","type":"=","value":"x"}],"name":"x","offset":0,"offsetExpr":null,"range":300000,"rangeExpr":null,"smoothed":false,"startOrEnd":null,"timestamp":null,"type":"matrixSelector"}],"func":{"argTypes":["matrix"],"name":"rate","returnType":"vector","variadic":0},"type":"call"},"grouping":["job"],"op":"sum","param":null,"type":"aggregation","without":false}}"#)
            #expect(body("a / on(x) group_left(y) b").contains(#""matching":{"card":"many-to-one","fillValues":{"lhs":null,"rhs":null},"include":["y"],"labels":["x"],"on":true}"#))
            #expect(body("x[5m:1m] @ start()").contains(#""startOrEnd":"start","step":60000,"stepExpr":null,"timestamp":null,"type":"subquery""#))
            #expect(body("foo[step()+1m]").contains(#""range":0,"rangeExpr":{"lhs":{"lhs":null,"op":"step","rhs":null,"type":"durationExpr","wrapped":false},"op":"+","rhs":{"duration":true,"type":"numberLiteral","val":"60"},"type":"durationExpr","wrapped":false}"#))
            // Constant duration arithmetic is folded at parse time (Prometheus keeps the tree).
            #expect(body("foo offset (10m/2)").contains(#""offset":300000,"offsetExpr":null"#))
            #expect(body("foo offset -step()").contains(#""offset":0,"offsetExpr":{"lhs":null,"op":"-","rhs":{"lhs":null,"op":"step","rhs":null,"type":"durationExpr","wrapped":false},"type":"durationExpr","wrapped":false}"#))
            let bad = api.parseQuery(APIParams([("query", "sum(")]))
            #expect(bad.status == 400)
            #expect(bad.error?.message == #"invalid parameter "query": 1:5: parse error: unexpected end of input"#)
        }
    }

    @Test func reportsErrorsLikePrometheus() async throws {
        try await withFixture { api in
            func check(_ r: APIResult, _ status: Int, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
                #expect(r.status == status, sourceLocation: sourceLocation)
                #expect(r.error?.message == message, sourceLocation: sourceLocation)
            }
            check(await api.query(APIParams([("query", "up"), ("time", "x")])), 400, #"invalid parameter "time": cannot parse "x" to a valid timestamp"#)
            check(await api.query(APIParams([("query", "sum(")])), 400, #"invalid parameter "query": 1:5: parse error: unexpected end of input"#)
            check(await api.query(APIParams([("query", "up"), ("timeout", "soon")])), 400, #"invalid parameter "timeout": cannot parse "soon" to a valid duration"#)
            check(await api.queryRange(APIParams([("query", "up"), ("start", "10"), ("end", "5"), ("step", "1")])), 400, "end timestamp must not be before start time")
            check(await api.queryRange(APIParams([("query", "up"), ("start", "0"), ("end", "5"), ("step", "0")])), 400, "zero or negative query resolution step widths are not accepted. Try a positive integer")
            check(await api.queryRange(APIParams([("query", "up"), ("start", "0"), ("end", "11001"), ("step", "1")])), 400, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
            check(await api.queryRange(APIParams([("query", "up"), ("end", "1"), ("step", "1")])), 400, #"invalid parameter "start": cannot parse "" to a valid timestamp"#)
            check(await api.queryRange(APIParams([("query", "up[5m]"), ("start", "0"), ("end", "1"), ("step", "1")])), 400, #"invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector"#)
            check(await api.query(APIParams([("query", #"label_replace(x_total, "i", "same", "", "")"#), ("time", "600")])), 422, "vector cannot contain metrics with the same labelset")
            check(await api.series(APIParams([])), 400, "no match[] parameter provided")
            check(await api.series(APIParams([("match[]", #"{i=~".*"}"#)])), 400, #"invalid parameter "match[]": 1:1: parse error: vector selector must contain at least one non-empty matcher"#)
            check(await api.labelNames(APIParams([("limit", "-2")])), 400, #"invalid parameter "limit": limit must be non-negative"#)
        }
    }

    @Test func answersLookups() async throws {
        try await withFixture { api in
            func body(_ r: APIResult) -> String { String(decoding: r.body(), as: UTF8.self) }
            #expect(body(await api.series(APIParams([("match[]", "x_total"), ("match[]", "up")]))) ==
                #"{"status":"success","data":[{"__name__":"up","job":"a"},{"__name__":"x_total","i":"0"},{"__name__":"x_total","i":"1"}]}"#)
            #expect(body(await api.series(APIParams([("match[]", "x_total"), ("limit", "1")]))) ==
                #"{"status":"success","data":[{"__name__":"x_total","i":"0"}],"warnings":["results truncated due to limit"]}"#)
            #expect(body(await api.series(APIParams([("match[]", "x_total"), ("start", "700"), ("end", "800")]))) == #"{"status":"success","data":[]}"#)
            #expect(body(await api.series(APIParams([("match[]", #"{__name__=~".+"}"#), ("start", "0"), ("end", "10")]))) ==
                #"{"status":"success","data":[{"__name__":"x_total","i":"0"},{"__name__":"x_total","i":"1"}]}"#)
            #expect(body(await api.labelNames(APIParams([]))) == #"{"status":"success","data":["__name__","i","job"]}"#)
            #expect(body(await api.labelNames(APIParams([("match[]", "up")]))) == #"{"status":"success","data":["__name__","job"]}"#)
            #expect(body(await api.labelValues(name: "__name__", APIParams([]))) == #"{"status":"success","data":["up","x_total"]}"#)
            #expect(body(await api.labelValues(name: "nope", APIParams([]))) == #"{"status":"success","data":[]}"#)
            #expect(body(api.formatQuery(APIParams([("query", "sum by(job)(rate( x[5m] ))")]))) == #"{"status":"success","data":"sum by (job) (rate(x[5m]))"}"#)
        }
    }

    @Test func servesGzipAndPostForms() async throws {
        try await withFixture { api in
            let router = Router()
            router.add(middleware: GzipMiddleware())
            api.addRoutes(to: router)
            let app = Application(router: router)
            try await app.test(.router) { client in
                var headers = HTTPFields()
                headers[.contentType] = "application/x-www-form-urlencoded"
                try await client.execute(uri: "/api/v1/query", method: .post, headers: headers, body: ByteBuffer(string: "query=count(x_total)&time=600")) { r in
                    #expect(r.status == .ok)
                    #expect(String(buffer: r.body) == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[600,"2"]}]}}"#)
                }
                var gz = HTTPFields()
                gz[.acceptEncoding] = "gzip, deflate"
                try await client.execute(uri: "/api/v1/query_range?query=x_total&start=0&end=600&step=15", method: .get, headers: gz) { r in
                    #expect(r.headers[.contentEncoding] == "gzip")
                    var body = r.body
                    let plain = try body.decompress(with: .gzip())
                    #expect(String(buffer: plain).hasPrefix(#"{"status":"success","data":{"resultType":"matrix""#))
                }
                try await client.execute(uri: "/api/v1/label/job/values", method: .get) { r in
                    #expect(String(buffer: r.body) == #"{"status":"success","data":["a"]}"#)
                }
                try await client.execute(uri: "/api/v1/query?query=foo(", method: .get) { r in
                    #expect(r.status == .badRequest)
                }
            }
        }
    }

    /// Two counters x_total{i} (0,1,2… and 0,2,4… every 15s from 0 to 600s) and up{job="a"}.
    func withFixture(_ body: (QueryAPI) async throws -> Void) async throws {
        try await withTemporaryStorage { storage in
            var app = storage.appender()
            try appendCounters(to: &app)
            _ = try app.append(nil, Labels(("__name__", "up"), ("job", "a")), at: 600_000, value: 1)
            try await app.commit()
            try await body(QueryAPI(runner: QueryRunner(storage: storage), queryable: storage, now: { 600_000 }))
        }
    }
}

/// JSONWriter's fast path for sample values must print exactly what Go's
/// `strconv.FormatFloat(v, 'f', -1, 64)` does (FloatFormat.goF is the reference).
@Suite struct SampleValueFormatTests {
    @Test func fastPathMatchesGoFormatting() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0.1, 0.25, -0.5, 1e-4, 1.5e-4, 9.999e-5, 123456.789, 1e15 - 0.5, 999999999999999.9,
                                1.0 / 3, -2.0 / 3, 0.30000000000000004, 4096.0001, 17.25, 1e14 + 0.5, 5e-324, 1e300]
        for _ in 0..<2_000 {
            let magnitude = Double.random(in: -7...17, using: &rng)
            values.append((Bool.random(using: &rng) ? 1 : -1) * Double.random(in: 1..<10, using: &rng) * pow(10, magnitude.rounded(.down)))
            values.append(Double(Int.random(in: 0..<1_000_000, using: &rng)) / 100)
        }
        for v in values {
            var w = JSONWriter(capacity: 32)
            w.quotedValue(v)
            let got = String(decoding: w.bytes, as: UTF8.self)
            let want = v == v.rounded() && abs(v) < 1e15 ? nil : "\"\(FloatFormat.goF(v))\""
            if let want { #expect(got == want, "value \(v)") }
        }
    }
}
