import Config
import Scrape
import Testing

struct ContentTypeTests {
    @Test func defaultAcceptHeaderMatchesPrometheus() {
        #expect(ScrapeProtocol.acceptHeader() ==
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            + "application/openmetrics-text;version=0.0.1;q=0.5,"
            + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
            + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2")
        #expect(ScrapeProtocol.acceptHeader([.prometheusText004], escaping: "underscores") == "text/plain;version=0.0.4;q=0.6,*/*;q=0.5")
    }

    @Test(arguments: [
        ("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.openMetrics),
        ("text/plain; version=0.0.4; charset=utf-8", .prometheusText),
        ("TEXT/PLAIN", .prometheusText),
    ])
    func recognisedTypes(_ header: String, _ format: ExpositionFormat) throws {
        let n = try ExpositionFormat.negotiate(contentType: header, fallback: nil)
        #expect(n.format == format && n.warning == nil)
    }

    @Test func fallbackAndErrors() throws {
        #expect(throws: ContentTypeError.self) { try ExpositionFormat.negotiate(contentType: "", fallback: nil) }
        #expect(throws: ContentTypeError.self) { try ExpositionFormat.negotiate(contentType: "application/json", fallback: nil) }
        #expect(throws: ContentTypeError.self) { try ExpositionFormat.negotiate(contentType: "text/plain; charset", fallback: nil) }
        let n = try ExpositionFormat.negotiate(contentType: nil, fallback: .prometheusText004)
        #expect(n.format == .prometheusText && n.warning != nil)
        let m = try ExpositionFormat.negotiate(contentType: "application/json", fallback: .openMetricsText100)
        #expect(m.format == .openMetrics)
        var p = try ExpositionParser(bytes: Array("a 1\n# EOF\n".utf8), contentType: "application/openmetrics-text")
        #expect(try p.next() == .series)
    }
}
