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

/// A run of a CSV row: a range of the series' constant bytes (labels, separators) or a
/// per-sample field. Plain data, so iterating it costs no reference counting.
struct CSVSegment {
    enum Kind { case bytes, value, time }
    var kind: Kind
    var start = 0
    var end = 0
    var unit: ExportColumn.TimeUnit = .unixMillis
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

    /// One row per sample. Label cells and separators are encoded once per series into one
    /// byte array; a row is a few appends of its ranges (plain-data segments: no reference
    /// counting per row).
    static func writeCSV(_ s: Series, columns: [ExportColumn], includeStale: Bool, into out: inout ExportBuffer) async throws -> Int {
        var constants: [UInt8] = []
        var segments: [CSVSegment] = []
        var runStart = 0
        func closeRun() {
            if constants.count > runStart { segments.append(CSVSegment(kind: .bytes, start: runStart, end: constants.count)) }
            runStart = constants.count
        }
        for (i, c) in columns.enumerated() {
            if i > 0 { constants.append(UInt8(ascii: ",")) }
            switch c {
            case .metricName: constants += TextEscape.csvField(s.labels.metricName ?? "")
            case .label(let n): constants += TextEscape.csvField(s.labels[n] ?? "")
            case .value: closeRun(); segments.append(CSVSegment(kind: .value))
            case .timestamp(let u): closeRun(); segments.append(CSVSegment(kind: .time, unit: u))
            }
        }
        constants.append(10)
        closeRun()
        var it = s.makeIterator()
        var n = 0
        var more = true
        while more {
            // Synchronous rows until the buffer is full; then one asynchronous flush.
            more = constants.withUnsafeBufferPointer { c in
                segments.withUnsafeBufferPointer { segs in
                    while let sample = it.next() {
                        if !includeStale, sample.v.isStaleMarker { continue }
                        for seg in segs {
                            switch seg.kind {
                            case .bytes: out.append(UnsafeBufferPointer(rebasing: c[seg.start..<seg.end]))
                            case .value: out.appendValue(sample.v)
                            case .time: out.appendTime(sample.t, seg.unit)
                            }
                        }
                        n += 1
                        if out.bytes.count >= out.flushSize { return true }
                    }
                    return false
                }
            }
            if more { try await out.flushNow() }
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
