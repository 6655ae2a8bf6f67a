import Model
internal import Model

/// OpenMetrics 1.0 text, at the strictness of Prometheus's scrape parser
/// (`model/textparse/openmetricsparse.go`): exact single spaces, no blank lines, mandatory
/// `# EOF`, float timestamps in seconds, exemplars. Family-level rules (bucket order, counter
/// values, metadata placement) are not checked, as in Prometheus.
extension ExpositionParser {
    mutating func nextOpenMetrics(_ b: UnsafeRawBufferPointer) throws(ParseError) -> Entry? {
        let n = b.count
        while true {
            let i = pos
            start = i
            guard i < n else { throw error(.missingEOF, "data does not end with # EOF", at: i) }
            let c = b[i]
            if c == ByteClass.hash {
                return try openMetricsHashLine(b, at: i)
            }
            guard c == ByteClass.braceOpen || ByteClass.isMetricNameStart(c) else {
                throw syntaxError("expected a valid start token", at: i)
            }
            try openMetricsSeries(b, at: i)
            if skipCreatedSeries && metricType.hasStartTimestamp && currentNameEndsWithCreated(b) { continue }
            return .series
        }
    }

    func currentNameEndsWithCreated(_ b: UnsafeRawBufferPointer) -> Bool {
        let nameStart = offsets[0], nameEnd = offsets[1]
        return nameEnd - nameStart >= 8 && Self.hasPrefix(b, at: nameEnd - 8, "_created")
    }

    /// `# HELP`, `# TYPE`, `# UNIT` or `# EOF`; OpenMetrics has no other comments.
    private mutating func openMetricsHashLine(_ b: UnsafeRawBufferPointer, at i: Int) throws(ParseError) -> Entry? {
        let n = b.count
        guard i + 1 < n, b[i + 1] == ByteClass.space else { throw syntaxError("expected a valid start token", at: i) }
        let k = i + 2
        if Self.hasPrefix(b, at: k, "EOF") {
            var e = k + 3
            if e < n && b[e] == ByteClass.newline { e += 1 }
            guard e == n else { throw error(.dataAfterEOF, "unexpected data after # EOF", at: e) }
            pos = n
            finished = true
            return nil
        }
        let keyword: String
        if Self.hasPrefix(b, at: k, "HELP ") { keyword = "HELP" }
        else if Self.hasPrefix(b, at: k, "TYPE ") { keyword = "TYPE" }
        else if Self.hasPrefix(b, at: k, "UNIT ") { keyword = "UNIT" }
        else { throw syntaxError("expected a valid start token", at: i) }

        let m = k + 5
        let nameRange: Range<Int>
        let afterName: Int
        if m < n && b[m] == ByteClass.quote, let e = Self.scanQuoted(b, from: m, allowNewline: true, allowNUL: false) {
            nameRange = (m + 1)..<(e - 1)
            afterName = e
        } else if m < n && ByteClass.isMetricNameStart(b[m]) {
            afterName = Self.scanMetricName(b, from: m)
            nameRange = m..<afterName
        } else {
            throw syntaxError("expected metric name after \(keyword)", at: m)
        }
        familyNameLength = nameRange.count
        let end = Self.lineEnd(b, from: afterName)
        guard afterName < n, b[afterName] == ByteClass.space, end < n else {
            throw error(.syntax, "expected text in \(keyword)", at: afterName)
        }
        pos = end + 1
        let text = (afterName + 1)..<end
        let name = Self.unescaped(b, nameRange)
        switch keyword {
        case "HELP":
            guard UTF8Validation.isValid(b, text) else {
                throw error(.invalidUTF8, "help text \(Self.quote(bytes[text])) is not valid UTF-8", at: text.lowerBound)
            }
            return .help(name: name, text: Self.unescaped(b, text))
        case "TYPE":
            let typeText = Self.string(b, text)
            guard let type = MetricType(rawValue: typeText), type != .untyped else {
                throw error(.invalidMetadata, "invalid metric type \"\(typeText)\"", at: text.lowerBound)
            }
            metricType = type
            typeLineName = nameRange
            return .type(name: name, type: type)
        default:
            let unit = Self.string(b, text)
            if strict && (metricType == .info || metricType == .stateset)
                && b[typeLineName].elementsEqual(b[nameRange]) {
                throw error(.invalidMetadata, "\(metricType.rawValue) metric \"\(name)\" must not have a unit", at: text.lowerBound)
            }
            if !text.isEmpty {
                let rawName = UnsafeRawBufferPointer(rebasing: b[nameRange])
                let suffixStart = rawName.count - text.count
                let isSuffix = suffixStart >= 1 && rawName[suffixStart - 1] == UInt8(ascii: "_")
                    && rawName[suffixStart...].elementsEqual(UnsafeRawBufferPointer(rebasing: b[text]))
                guard isSuffix else {
                    throw error(.invalidMetadata, "unit \"\(unit)\" not a suffix of metric \"\(Self.string(b, nameRange))\"", at: text.lowerBound)
                }
            }
            return .unit(name: name, unit: unit)
        }
    }

    /// A sample line starting at `i`, with optional timestamp and exemplar.
    private mutating func openMetricsSeries(_ b: UnsafeRawBufferPointer, at i: Int) throws(ParseError) {
        let n = b.count
        offsets.removeAll(keepingCapacity: true)
        var j: Int
        if b[i] == ByteClass.braceOpen {
            offsets.append(-1); offsets.append(-1)
            j = try openMetricsLabels(b, from: i + 1, into: &offsets, exemplar: false)
        } else {
            j = Self.scanMetricName(b, from: i)
            offsets.append(i); offsets.append(j)
            if j < n && b[j] == ByteClass.braceOpen { j = try openMetricsLabels(b, from: j + 1, into: &offsets, exemplar: false) }
        }
        seriesEnd = j
        if offsets[0] < 0 { throw error(.syntax, "metric name not set", at: i) }
        if !ignoreExemplar { hasExemplar = false }

        let valueEnd = Self.spaceToken(b, at: j)
        guard valueEnd > j + 1 else { throw syntaxError("expected value after metric", at: j) }
        value = try floatValue(b, (j + 1)..<valueEnd)
        timestamp = nil
        j = valueEnd
        guard j < n else { throw error(.missingEOF, "data does not end with # EOF", at: j) }
        if b[j] == ByteClass.newline { pos = j + 1; return }
        if Self.isExemplarStart(b, at: j) { return try openMetricsExemplar(b, from: j + 4) }
        let tsEnd = Self.spaceToken(b, at: j)
        guard tsEnd > j + 1 else { throw syntaxError("expected timestamp or new record", at: j) }
        timestamp = try secondsTimestamp(b, (j + 1)..<tsEnd, what: "timestamp")
        j = tsEnd
        if j < n && b[j] == ByteClass.newline { pos = j + 1; return }
        if Self.isExemplarStart(b, at: j) { return try openMetricsExemplar(b, from: j + 4) }
        if j >= n { throw error(.missingEOF, "data does not end with # EOF", at: j) }
        throw syntaxError("expected next entry after timestamp", at: j)
    }

    /// `" # {"`, which starts an exemplar.
    @inline(__always)
    static func isExemplarStart(_ b: UnsafeRawBufferPointer, at j: Int) -> Bool {
        j + 3 < b.count && b[j] == ByteClass.space && b[j + 1] == ByteClass.hash
            && b[j + 2] == ByteClass.space && b[j + 3] == ByteClass.braceOpen
    }

    /// For `" token"` at `j` (one space, then bytes other than space, newline and NUL): the end
    /// of the token; otherwise `j`.
    @inline(__always)
    static func spaceToken(_ b: UnsafeRawBufferPointer, at j: Int) -> Int {
        guard j < b.count, b[j] == ByteClass.space else { return j }
        var e = j + 1
        while e < b.count {
            let c = b[e]
            if c == ByteClass.space || c == ByteClass.newline || c == 0 { break }
            e += 1
        }
        return e == j + 1 ? j : e
    }

    func floatValue(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) throws(ParseError) -> Double {
        guard let v = GoFloat.parse(UnsafeRawBufferPointer(rebasing: b[range])) else {
            throw error(.invalidValue, "invalid float \(Self.quote(bytes[range]))", at: range.lowerBound)
        }
        return v.isNaN ? Self.normalNaN : v
    }

    func secondsTimestamp(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, what: String) throws(ParseError) -> Timestamp {
        guard let seconds = GoFloat.parse(UnsafeRawBufferPointer(rebasing: b[range])), seconds.isFinite else {
            throw error(.invalidTimestamp, "invalid \(what) \(Self.quote(bytes[range]))", at: range.lowerBound)
        }
        return GoFloat.milliseconds(fromSeconds: seconds)
    }
}
