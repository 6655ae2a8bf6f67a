import ArgumentParser
import Foundation
import Scrape

/// `lantern-conformance parse-bench`: parser throughput on a node_exporter-like body.
struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse-bench",
        abstract: "Measure parser throughput (build with -c release for meaningful figures)."
    )

    @Option(help: "Number of series in the synthetic body.")
    var series = 1000

    @Option(help: "Timed runs; the median is reported.")
    var runs = 7

    @Option(help: "Parses per run.")
    var iterations = 200

    @Flag(help: "Also materialise labels() for every series (a cold scrape cache).")
    var labels = false

    func run() {
        for format in ExpositionFormat.allCases {
            let body = SyntheticBody.make(series: series, format: format)
            var samples: [Double] = []
            var count = 0
            for _ in 0..<runs {
                let start = ContinuousClock.now
                for _ in 0..<iterations { count = Self.parseAll(body, format: format, labels: labels) }
                let elapsed = ContinuousClock.now - start
                samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            let median = samples.sorted()[samples.count / 2] / Double(iterations)
            let mbps = Double(body.count) / median / 1e6
            let seriesPerSecond = Double(count) / median
            print(String(format: "%@: %d bytes, %d series, median %.1f µs/parse, %.0f MB/s, %.2fM series/s%@",
                         format.rawValue, body.count, count, median * 1e6, mbps, seriesPerSecond / 1e6,
                         labels ? " (with labels())" : ""))
        }
    }

    static func parseAll(_ body: [UInt8], format: ExpositionFormat, labels: Bool) -> Int {
        var parser = ExpositionParser(bytes: body, format: format)
        var n = 0
        var checksum = 0.0
        do {
            while let entry = try parser.next() {
                if entry == .series {
                    n += 1
                    checksum += parser.value
                    if labels { n += parser.labels().count > 0 ? 0 : 1 }
                }
            }
        } catch {
            fatalError("benchmark body does not parse: \(error)")
        }
        if checksum.isNaN { print("") }
        return n
    }
}
