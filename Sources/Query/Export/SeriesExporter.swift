public import Model
public import Storage

/// What to export: the series matching any of the selectors, their samples in [start, end].
public struct ExportRequest: Sendable {
    /// Output shapes.
    public enum Format: Sendable, Equatable {
        /// CSV with a header row; nil columns mean `ExportColumn.defaults` for the selected series.
        case csv(columns: [ExportColumn]?, header: Bool)
        /// VictoriaMetrics' JSON lines: `{"metric":{…},"values":[…],"timestamps":[…]}` per series.
        case jsonLines
    }

    public var selectors: [[Matcher]]
    public var start: Timestamp
    public var end: Timestamp
    public var format: Format
    /// Keep staleness markers (printed as `NaN`); left out by default.
    public var includeStale: Bool

    public init(selectors: [[Matcher]], start: Timestamp, end: Timestamp, format: Format, includeStale: Bool = false) {
        self.selectors = selectors
        self.start = start
        self.end = end
        self.format = format
        self.includeStale = includeStale
    }

    /// Parses `--match` / `match[]` values; each must select something (one matcher that
    /// does not match the empty string), as Prometheus requires.
    /// - Throws: `ExportError.badSelector` with the parser's message.
    public static func parseSelectors(_ texts: [String]) throws(ExportError) -> [[Matcher]] {
        guard !texts.isEmpty else { throw .badSelector("at least one series selector (--match / match[]) is required") }
        var out: [[Matcher]] = []
        for t in texts {
            let ms: [Matcher]
            do { ms = try parseMetricSelector(t) } catch { throw .badSelector("\(quoted(t)): \(error)") }
            guard ms.contains(where: { !$0.matchesEmpty }) else {
                throw .badSelector("\(quoted(t)): match[] must contain at least one non-empty matcher")
            }
            out.append(ms)
        }
        return out
    }
}

/// A run of a CSV row: constant bytes (labels, separators) or a per-sample field.
enum CSVSegment {
    case bytes([UInt8])
    case value
    case time(ExportColumn.TimeUnit)
}

/// Counts of an export so far.
public struct ExportStats: Sendable, Equatable {
    public var series = 0
    public var samples = 0
    public init() {}
}

/// Streams series from a querier as CSV or JSON lines into an `ExportBuffer`, series by
/// series, in batches of `batchSize` series: memory stays flat however much is exported.
public enum SeriesExporter {
    /// Runs one export; the buffer is flushed at the end.
    /// - Parameter progress: called after each series (the CLI's progress line).
    /// - Throws: the querier's errors, or the buffer's flush errors (closed pipe, full disk).
    public static func run(_ request: ExportRequest, querier: any Querier, into out: inout ExportBuffer,
                           batchSize: Int = 256, progress: ((ExportStats) -> Void)? = nil) async throws -> ExportStats {
        var stats = ExportStats()
        var columns: [ExportColumn] = []
        if case .csv(let given, let header) = request.format {
            if let given { columns = given } else {
                var names = Set<String>()
                for sel in request.selectors { names.formUnion(try await querier.labelNames(matchers: sel)) }
                columns = ExportColumn.defaults(labelNames: Array(names))
            }
            if header {
                let given = given != nil
                out.append(columns.map { c -> [UInt8] in
                    if !given, c == .value { return Array("value".utf8) }
                    if !given, case .timestamp = c { return Array("timestamp".utf8) }
                    return TextEscape.csvField(c.header)
                }.joined(separator: [UInt8(ascii: ",")]).map { $0 })
                out.append(10)
            }
        }
        var seen = Set<Labels>()
        let dedupe = request.selectors.count > 1
        for sel in request.selectors {
            try await querier.forEachBatch(matchers: sel, batchSize: batchSize) { set in
                for s in set.series {
                    if dedupe, !seen.insert(s.labels).inserted { continue }
                    let n: Int
                    switch request.format {
                    case .csv: n = try await writeCSV(s, columns: columns, includeStale: request.includeStale, into: &out)
                    case .jsonLines: n = try await writeJSON(s, includeStale: request.includeStale, into: &out)
                    }
                    if n > 0 { stats.series += 1 }
                    stats.samples += n
                    progress?(stats)
                }
            }
        }
        try await out.flushNow()
        return stats
    }

    /// One row per sample. Label cells and separators are encoded once per series and merged
    /// into runs of constant bytes, so a row is a few appends.
    static func writeCSV(_ s: Series, columns: [ExportColumn], includeStale: Bool, into out: inout ExportBuffer) async throws -> Int {
        var segments: [CSVSegment] = []
        var constant: [UInt8] = []
        for (i, c) in columns.enumerated() {
            if i > 0 { constant.append(UInt8(ascii: ",")) }
            switch c {
            case .metricName: constant += TextEscape.csvField(s.labels.metricName ?? "")
            case .label(let n): constant += TextEscape.csvField(s.labels[n] ?? "")
            case .value, .timestamp:
                if !constant.isEmpty { segments.append(.bytes(constant)); constant = [] }
                if case .timestamp(let u) = c { segments.append(.time(u)) } else { segments.append(.value) }
            }
        }
        constant.append(10)
        segments.append(.bytes(constant))
        var it = s.makeIterator()
        var n = 0
        while let sample = it.next() {
            if !includeStale, sample.v.isStaleMarker { continue }
            for seg in segments {
                switch seg {
                case .bytes(let b): out.append(b)
                case .value: out.appendValue(sample.v)
                case .time(let u): out.appendTime(sample.t, u)
                }
            }
            n += 1
            if out.bytes.count >= out.flushSize { try await out.flushNow() }
        }
        return n
    }

    /// `{"metric":{…},"values":[…],"timestamps":[…]}`: two passes over the series' chunks.
    static func writeJSON(_ s: Series, includeStale: Bool, into out: inout ExportBuffer) async throws -> Int {
        var it = s.makeIterator()
        var n = 0
        var first = true
        while let sample = it.next() {
            if !includeStale, sample.v.isStaleMarker { continue }
            if first {
                out.append(#"{"metric":{"#)
                for (i, l) in s.labels.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(TextEscape.jsonString(l.name))
                    out.append(UInt8(ascii: ":"))
                    out.append(TextEscape.jsonString(l.value))
                }
                out.append(#"},"values":["#)
                first = false
            } else {
                out.append(UInt8(ascii: ","))
            }
            // JSON has no NaN or Infinity: those go as strings, as VictoriaMetrics writes them.
            if sample.v.isFinite { out.appendValue(sample.v) } else { out.append(UInt8(ascii: "\"")); out.appendValue(sample.v); out.append(UInt8(ascii: "\"")) }
            n += 1
            try await out.flushIfFull()
        }
        guard n > 0 else { return 0 }
        out.append(#"],"timestamps":["#)
        it = s.makeIterator()
        first = true
        while let sample = it.next() {
            if !includeStale, sample.v.isStaleMarker { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.appendInt(sample.t)
            try await out.flushIfFull()
        }
        out.append("]}\n")
        return n
    }
}
