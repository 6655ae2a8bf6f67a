import Model
import Scrape
import Testing

/// A parsed sample, for comparisons.
struct ParsedSample: Equatable, CustomStringConvertible {
    var labels: Labels
    var value: Double
    var timestamp: Timestamp?
    static func == (a: Self, b: Self) -> Bool {
        a.labels == b.labels && a.timestamp == b.timestamp && (a.value.isNaN ? b.value.isNaN : a.value == b.value)
    }
    var description: String { "\(labels) \(value) \(timestamp.map(String.init) ?? "-")" }
}

func parseSamples(_ text: String, _ format: ExpositionFormat = .prometheusText) throws(ParseError) -> [ParsedSample] {
    var p = ExpositionParser(bytes: Array(text.utf8), format: format)
    var out: [ParsedSample] = []
    while let e = try p.next() {
        if e == .series { out.append(ParsedSample(labels: p.labels(), value: p.value, timestamp: p.timestamp)) }
    }
    return out
}

func parseError(_ text: String, _ format: ExpositionFormat = .prometheusText) -> ParseError? {
    do { _ = try parseSamples(text, format); return nil } catch { return error }
}

struct ExpositionParserTests {
    @Test func labelValueEscapes() throws {
        let s = try parseSamples(#"m{a="q\"uote",b="back\\slash",c="new\nline",d="other\x"} 1"#)
        #expect(s.first?.labels == Labels(("__name__", "m"), ("a", "q\"uote"), ("b", "back\\slash"),
                                          ("c", "new\nline"), ("d", "other\\x")))
    }

    @Test func textTimestampsAreMilliseconds() throws {
        #expect(try parseSamples("m 1 1520879607789\n").first?.timestamp == 1_520_879_607_789)
        #expect(try parseSamples("m 1\n").first?.timestamp == nil)
        #expect(parseError("m 1 1.5\n") != nil)
        #expect(parseError("m 1 -5\n") != nil)
        #expect(parseError("m 1 99999999999999999999\n")?.kind == .invalidTimestamp)
    }

    @Test func openMetricsTimestampsAreSeconds() throws {
        let s = try parseSamples("m 1 1520879607.789\n# EOF\n", .openMetrics)
        #expect(s.first?.timestamp == 1_520_879_607_789)
        #expect(parseError("m 1 NaN\n# EOF\n", .openMetrics)?.kind == .invalidTimestamp)
    }

    @Test(arguments: [("NaN", Double.nan), ("nan", .nan), ("+Inf", .infinity), ("-Inf", -.infinity),
                      ("Inf", .infinity), ("infinity", .infinity), ("1e3", 1000), ("-0.5", -0.5),
                      (".5", 0.5), ("1.", 1), ("+3", 3), ("7.424100000000001e-05", 7.424100000000001e-05),
                      ("123456789012345678901234567890", 1.2345678901234568e+29), ("1e-400", 0)])
    func acceptedValues(_ text: String, _ expected: Double) throws {
        let v = try #require(try parseSamples("m \(text)\n").first).value
        #expect(expected.isNaN ? v.isNaN : v == expected, "\(text) → \(v)")
        if expected.isNaN { #expect(v.bitPattern == ExpositionParser.normalNaN.bitPattern) }
    }

    @Test(arguments: ["0x1p-3", "0x10", "1_000", "+nan", "1e", "e5", "1e400", "true", "1..2", "--1", "infin"])
    func rejectedValues(_ text: String) {
        #expect(parseError("m \(text)\n")?.kind == .invalidValue, "\(text)")
    }

    @Test func errorsCarryLineAndColumn() throws {
        let e = try #require(parseError("a 1\n# HELP b x\nc x\n"))
        #expect(e.line == 3 && e.column == 3 && e.offset == 17)
        #expect("\(e)".hasPrefix("line 3, column 3: "))
        let syntax = try #require(parseError("a 1\nb{c=\"d\" 2\n"))
        #expect(syntax.line == 2 && syntax.kind == .syntax)
    }

    @Test func noFinalNewlineIsAccepted() throws {
        #expect(try parseSamples("a 1\nb 2").count == 2)
        #expect(try parseSamples("a{b=\"c\"} 2 3").first?.timestamp == 3)
    }

    @Test func crlfIsRejectedLikePrometheus() {
        // Prometheus reads "1\r" as the value, which is not a float.
        #expect(parseError("a 1\r\n") != nil)
    }

    @Test func seriesBytesAreTheRawSeries() throws {
        var p = ExpositionParser(bytes: Array("# TYPE m gauge\nm { a = \"b\" } 1 2\n".utf8), format: .prometheusText)
        #expect(try p.next() == .type(name: "m", type: .gauge))
        #expect(try p.next() == .series)
        #expect(String(decoding: p.seriesBytes, as: UTF8.self) == "m { a = \"b\" }")
        #expect(p.withSeriesBytes { $0.count } == 13)
        #expect(try p.next() == nil)
    }

    @Test func quotedUTF8Names() throws {
        let s = try parseSamples(#"{"my.metric", "label.name"="v"} 1"#)
        #expect(s.first?.labels == Labels(("__name__", "my.metric"), ("label.name", "v")))
        #expect(parseError(#"{a="b"} 1"#) != nil)
    }

    @Test func histogramAndSummaryLabelsAreNormalised() throws {
        let s = try parseSamples("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"1e6\"} 1\n# TYPE g gauge\ng{le=\"1\"} 1\n")
        #expect(s.map { $0.labels["le"] } == ["1.0", "1e+06", "1"])
    }

    @Test func metadataAndComments() throws {
        var p = ExpositionParser(bytes: Array("# HELP m a\\\\b\\nc\n# just a comment\n#x\n".utf8), format: .prometheusText)
        #expect(try p.next() == .help(name: "m", text: "a\\b\nc"))
        #expect(try p.next() == .comment("# just a comment"))
        #expect(try p.next() == .comment("#x"))
        #expect(try p.next() == nil)
        #expect(parseError("# TYPE m nonsense\n")?.kind == .invalidMetadata)
    }

    @Test func openMetricsRequiresEOFAndNothingAfter() {
        #expect(parseError("m 1\n", .openMetrics)?.kind == .missingEOF)
        #expect(parseError("m 1\n# EOF\nm 2\n", .openMetrics)?.kind == .dataAfterEOF)
        #expect(parseError("m 1\n# EOF\n\n", .openMetrics)?.kind == .dataAfterEOF)
        #expect(parseError("m 1\n\n# EOF\n", .openMetrics) != nil)
        #expect(parseError("m 1\n# EOF", .openMetrics) == nil)
    }

    @Test func openMetricsExemplarsAreParsedAndSkipped() throws {
        let body = "# TYPE foo counter\nfoo_total 17 1520879607.789 # {trace_id=\"abc\"} 5 1520879607.1\nfoo_total{a=\"b\"} 3\n# EOF\n"
        var p = ExpositionParser(bytes: Array(body.utf8), format: .openMetrics)
        #expect(try p.next() == .type(name: "foo", type: .counter))
        #expect(try p.next() == .series)
        #expect(p.value == 17 && p.timestamp == 1_520_879_607_789)
        #expect(p.exemplar() == Exemplar(labels: Labels(("trace_id", "abc")), value: 5, timestamp: 1_520_879_607_100))
        #expect(try p.next() == .series)
        #expect(p.exemplar() == nil)
        #expect(try p.next() == nil)
    }

    @Test func openMetricsCreatedBecomesStartTimestamp() throws {
        let body = "# TYPE foo counter\nfoo_total 17\nfoo_created 1520872607.123\n# EOF\n"
        var p = ExpositionParser(bytes: Array(body.utf8), format: .openMetrics)
        _ = try p.next()
        #expect(try p.next() == .series)
        #expect(p.startTimestamp() == 1_520_872_607_123)
        #expect(try p.next() == nil)  // foo_created is not a series of its own

        var keep = ExpositionParser(bytes: Array(body.utf8), format: .openMetrics, options: .init(skipCreatedSeries: false))
        var series = 0
        while let e = try keep.next() { if e == .series { series += 1 } }
        #expect(series == 2)
    }
}

struct StrictOpenMetricsTests {
    func strictError(_ body: String) -> ParseError? {
        var p = ExpositionParser(bytes: Array(body.utf8), format: .openMetrics, options: .init(strictOpenMetrics: true))
        do { while try p.next() != nil {} } catch { return error }
        return nil
    }

    @Test func rejectsWhatPrometheusLetsThrough() {
        #expect(strictError("a{a=\"1\",} 1\n# EOF\n") != nil)
        #expect(strictError("a{a=\"1\",a=\"2\"} 1\n# EOF\n") != nil)
        #expect(strictError("# TYPE s stateset\n# UNIT s u\n# EOF\n") != nil)
        let long = String(repeating: "x", count: 128)  // plus the name "a": 129
        #expect(strictError("# TYPE a counter\na_total 1 # {a=\"\(long)\"} 1\n# EOF\n") != nil)
        #expect(strictError("# TYPE a counter\na_total 1 # {a=\"\(long.dropLast())\"} 1\n# EOF\n") == nil)
        #expect(strictError("a{a=\"1\",b=\"2\"} 1\n# EOF\n") == nil)
    }
}
