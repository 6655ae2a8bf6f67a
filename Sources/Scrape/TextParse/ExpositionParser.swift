public import Config
public import Model

/// A pull parser for one scrape body in the Prometheus text format 0.0.4 or OpenMetrics 1.0.
///
/// Works on the raw bytes: it never copies the body and builds no `String` for a sample unless
/// asked (``labels()``). Call ``next()`` until it returns nil; after a ``Entry/series`` entry read
/// ``seriesBytes``, ``value``, ``timestamp`` and, when needed, ``labels()``, ``exemplar()`` or
/// ``startTimestamp()`` before the next call. The first syntax error ends the scrape: `next()`
/// throws a ``ParseError`` with its line and column. The behaviour follows Prometheus's
/// `model/textparse` (`PromParser`, `OpenMetricsParser`), including its leniencies.
///
/// A parser is a value owned by one task; it is not `Sendable` state to share.
public struct ExpositionParser {
    /// Parser settings.
    public struct Options: Sendable, Equatable {
        /// OpenMetrics: drop `_created` samples of counters, histograms and summaries and offer
        /// them through ``ExpositionParser/startTimestamp()`` instead, as the Prometheus server
        /// does when it ingests start timestamps (`OpenMetricsSkipSTSeries`). When false they
        /// are ordinary series.
        public var skipCreatedSeries: Bool

        /// OpenMetrics: also enforce the syntax rules of the OpenMetrics 1.0 specification that
        /// Prometheus's scrape parser lets through: no trailing comma in a label set, no label
        /// name twice in a sample, exemplar label sets of at most 128 characters, no `# UNIT`
        /// for `info` and `stateset` families. Family-level rules are not checked either way.
        public var strictOpenMetrics: Bool

        /// Creates options; see the properties for the defaults.
        public init(skipCreatedSeries: Bool = true, strictOpenMetrics: Bool = false) {
            self.skipCreatedSeries = skipCreatedSeries
            self.strictOpenMetrics = strictOpenMetrics
        }
    }

    /// The format this parser reads.
    public let format: ExpositionFormat
    let bytes: [UInt8]

    /// Lexer position: the next byte to read.
    var pos = 0
    /// First byte of the current entry.
    var start = 0
    /// Byte ranges of the current series: `[nameStart, nameEnd]`, then per label
    /// `[nameStart, nameEnd, valueStart, valueEnd]`; names and values exclude their quotes and
    /// are still escaped. `-1` for a name not (yet) seen.
    var offsets: [Int] = []
    var seriesEnd = 0
    var onSeries = false
    var finished = false

    /// The value of the current sample. NaN is Prometheus's normal NaN bit pattern.
    public internal(set) var value: Double = 0
    /// The sample timestamp in milliseconds, if the line has one (OpenMetrics seconds are
    /// converted, truncating toward zero).
    public internal(set) var timestamp: Timestamp?
    /// The type of the most recent `# TYPE` line (``MetricType/unknown`` before any). Like
    /// Prometheus it is not reset when a sample of another family follows.
    public internal(set) var metricType: MetricType = .unknown

    /// Length of the name on the last metadata line (Prometheus `mfNameLen`).
    var familyNameLength = 0

    var exemplarOffsets: [Int] = []
    var hasExemplar = false
    var exemplarValue: Double = 0
    var exemplarTimestamp: Timestamp?

    var ignoreExemplar = false
    var skipCreatedSeries: Bool
    let strict: Bool
    /// Name of the last `# TYPE` line, for the strict UNIT check.
    var typeLineName: Range<Int> = 0..<0
    var cachedStartTimestamp: Int64 = 0
    var cachedStartKey: [UInt8]?
    /// Where the last `_created` look-ahead stopped and the `_created` sample it stopped at.
    var startLookahead: (end: Int, found: (key: [UInt8], value: Double)?)?

    /// Prometheus's canonical NaN (`value.NormalNaN`), distinct from the staleness marker.
    public static let normalNaN = Double(bitPattern: 0x7ff8_0000_0000_0001)

    /// Creates a parser over `bytes` in the given format. The array is not copied.
    /// - Parameters:
    ///   - bytes: the whole response body.
    ///   - format: which grammar to apply.
    ///   - options: see ``Options``.
    public init(bytes: [UInt8], format: ExpositionFormat, options: Options = Options()) {
        self.bytes = bytes
        self.format = format
        self.skipCreatedSeries = options.skipCreatedSeries
        self.strict = options.strictOpenMetrics
        offsets.reserveCapacity(32)
    }

    /// Creates a parser for a response, choosing the format from its `Content-Type` like
    /// Prometheus (see ``ExpositionFormat/negotiate(contentType:fallback:)``).
    /// - Throws: ``ContentTypeError`` if the type is missing, malformed or unsupported and there
    ///   is no fallback.
    public init(bytes: [UInt8], contentType: String?, fallback: ScrapeProtocol? = nil,
                options: Options = Options()) throws(ContentTypeError) {
        let negotiated = try ExpositionFormat.negotiate(contentType: contentType, fallback: fallback)
        self.init(bytes: bytes, format: negotiated.format, options: options)
    }

    /// Advances to the next entry.
    /// - Returns: the entry, or nil once the body is exhausted (after `# EOF` for OpenMetrics).
    /// - Throws: ``ParseError`` at the first malformed line; the parser must not be used after.
    public mutating func next() throws(ParseError) -> Entry? {
        try advance(known: nil)
    }

    /// Advances like ``next()``, but in the text format first asks `known` about each sample's
    /// series bytes (found by a quick scan for the closing brace, outside quotes): when it
    /// says true the label block is not validated nor split, and ``labels()`` must not be
    /// called for that sample. The scrape loop passes its cache look-up, whose keys are bytes
    /// that parsed before; validity depends on those bytes alone, so no error is missed.
    /// - Parameter known: gets the bytes ``seriesBytes`` will have; not called for OpenMetrics.
    public mutating func next(known: (UnsafeRawBufferPointer) -> Bool) throws(ParseError) -> Entry? {
        try withoutActuallyEscaping(known) { (known) throws(ParseError) -> Entry? in try advance(known: known) }
    }

    private mutating func advance(known: ((UnsafeRawBufferPointer) -> Bool)?) throws(ParseError) -> Entry? {
        if finished { return nil }
        onSeries = false
        let body = bytes
        // withUnsafeBytes rethrows untyped errors, so carry the typed one out in a Result.
        let outcome = body.withUnsafeBytes { (b: UnsafeRawBufferPointer) -> Result<Entry?, ParseError> in
            do throws(ParseError) {
                switch format {
                case .prometheusText: return .success(try nextText(b, known: known))
                case .openMetrics: return .success(try nextOpenMetrics(b))
                }
            } catch {
                return .failure(error)
            }
        }
        let result = try outcome.get()
        onSeries = result == .series
        return result
    }

    /// Range in the body of the current series' name and label block, exactly as written
    /// (e.g. `foo{a="b"}`); a cache key for the scrape loop that needs no `String`.
    public var seriesRange: Range<Int> { start..<seriesEnd }

    /// The bytes of ``seriesRange``, sharing the body's storage.
    public var seriesBytes: ArraySlice<UInt8> { bytes[seriesRange] }

    /// Calls `body` with the series bytes in place, without retaining the storage.
    public func withSeriesBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let range = seriesRange
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    // MARK: - Errors

    /// Builds an error at byte `offset`, counting lines only now, off the hot path.
    func error(_ kind: ParseError.Kind, _ message: String, at offset: Int) -> ParseError {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = 0
        for k in 0..<end where bytes[k] == ByteClass.newline {
            line += 1
            lineStart = k + 1
        }
        return ParseError(kind: kind, message: message, line: line, column: end - lineStart + 1, offset: end)
    }

    /// `expected …, got "…"` with the offending token (up to the end of its line, at most 20 bytes).
    func syntaxError(_ expected: String, at offset: Int) -> ParseError {
        error(.syntax, "\(expected), got \(quotedToken(at: offset))", at: offset)
    }

    func quotedToken(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        var end = offset + 1
        while end < bytes.count, end - offset < 20, !ByteClass.isTokenEnd(bytes[end]) { end += 1 }
        return Self.quote(bytes[offset..<end])
    }

    /// Go-style `%q` of raw bytes, enough for error messages.
    static func quote(_ raw: ArraySlice<UInt8>) -> String {
        var out = "\""
        for c in raw {
            switch c {
            case ByteClass.newline: out += "\\n"
            case ByteClass.tab: out += "\\t"
            case ByteClass.quote: out += "\\\""
            case ByteClass.backslash: out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(c))
            default:
                let hex = String(c, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out + "\""
    }
}
