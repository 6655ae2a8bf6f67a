import Logging
import Model
import Testing
@testable import Server

@Suite struct MetricsRenderingTests {
    @Test func rendersFamiliesSortedWithEscapes() async {
        let registry = MetricsRegistry()
        await registry.register(ClosureCollector {
            [
                MetricFamily(name: "zz_total", help: "last \\ one\nline", type: .counter, value: 1e6),
                MetricFamily(name: "aa", help: "first", type: .gauge, samples: [
                    MetricSample(labels: Labels(("path", "a\"b")), value: .infinity),
                    MetricSample(labels: Labels(("path", "a")), value: -1.5),
                ]),
            ]
        })
        let text = await registry.render()
        #expect(text == """
        # HELP aa first
        # TYPE aa gauge
        aa{path="a"} -1.5
        aa{path="a\\"b"} +Inf
        # HELP zz_total last \\\\ one\\nline
        # TYPE zz_total counter
        zz_total 1e+06

        """)
    }

    @Test func logfmtAndJSONLines() {
        let lines = LinesBox()
        var logfmt = LineLogHandler(label: "scrape", format: .logfmt, level: .debug, sink: { lines.append($0) })
        logfmt[metadataKey: "job"] = "node"
        logfmt.log(event: .init(level: .warning, message: "scrape failed", metadata: ["err": "timeout after 10s"], source: "t", file: #file, function: #function, line: #line))
        let json = LineLogHandler(label: "lantern", format: .json, level: .info, sink: { lines.append($0) })
        json.log(event: .init(level: .info, message: "hello \"x\"", metadata: nil, source: "t", file: #file, function: #function, line: #line))
        let out = lines.all
        #expect(out.count == 2)
        #expect(out[0].contains(#"level=warn msg="scrape failed" component=scrape err="timeout after 10s" job=node"#))
        #expect(out[1].contains(#""level":"info","msg":"hello \"x\""}"#))
    }
}

import Synchronization
final class LinesBox: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ s: String) { lines.withLock { $0.append(s) } }
    var all: [String] { lines.withLock { $0 } }
}
