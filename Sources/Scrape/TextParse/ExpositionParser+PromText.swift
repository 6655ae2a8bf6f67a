import Model
/// The Prometheus text format 0.0.4, with Prometheus's scrape-parser leniencies
/// (`model/textparse/promparse.go`): blanks around tokens and between labels, a trailing comma,
/// no final newline, quoted UTF-8 names inside the braces, arbitrary `#` comments.
extension ExpositionParser {
    mutating func nextText(_ b: UnsafeRawBufferPointer, known: ((UnsafeRawBufferPointer) -> Bool)? = nil) throws(ParseError) -> Entry? {
        let n = b.count
        while true {
            let i = Self.skipBlanks(b, from: pos)
            start = i
            guard i < n else { pos = n; finished = true; return nil }
            let c = b[i]
            if c == ByteClass.newline { pos = i + 1; continue }
            if c == 0 {
                // Prometheus's lexer treats a NUL where a token starts as the end of input.
                pos = n; finished = true
                return nil
            }
            if c == ByteClass.hash { return try textHashLine(b, at: i) }
            if c == ByteClass.braceOpen || ByteClass.isMetricNameStart(c) {
                try textSeries(b, at: i, known: known)
                return .series
            }
            throw syntaxError("expected a valid start token", at: i)
        }
    }

    /// A `#` line: HELP, TYPE or a comment.
    private mutating func textHashLine(_ b: UnsafeRawBufferPointer, at i: Int) throws(ParseError) -> Entry? {
        let n = b.count
        if i + 1 < n, ByteClass.isBlank(b[i + 1]) {
            let k = Self.skipBlanks(b, from: i + 1)
            let isHelp = Self.hasPrefix(b, at: k, "HELP")
            if (isHelp || Self.hasPrefix(b, at: k, "TYPE")) && k + 4 < n && ByteClass.isBlank(b[k + 4]) {
                return try textMetadata(b, nameAt: Self.skipBlanks(b, from: k + 4), isHelp: isHelp)
            }
        } else {
            // A bare "#…" comment: Prometheus's lexer stops the whole input at a NUL here.
            var j = i + 1
            while j < n, b[j] != ByteClass.newline {
                if b[j] == 0 { pos = n; finished = true; return nil }
                j += 1
            }
        }
        let end = Self.lineEnd(b, from: i)
        pos = end + 1
        return .comment(Self.string(b, i..<end))
    }

    private mutating func textMetadata(_ b: UnsafeRawBufferPointer, nameAt k: Int, isHelp: Bool) throws(ParseError) -> Entry {
        let keyword = isHelp ? "HELP" : "TYPE"
        let n = b.count
        var nameRange: Range<Int>
        if k < n && b[k] == ByteClass.quote,
           let e = Self.scanQuoted(b, from: k, allowNewline: true, allowNUL: false) {
            nameRange = (k + 1)..<(e - 1)
        } else if k < n && ByteClass.isMetricNameStart(b[k]) {
            nameRange = k..<Self.scanMetricName(b, from: k)
        } else {
            throw syntaxError("expected metric name after \(keyword)", at: k)
        }
        let r = nameRange.upperBound + (b[k] == ByteClass.quote ? 1 : 0)
        if r < n && b[r] == 0 { throw syntaxError("linebreak expected after metadata", at: r) }
        let end = Self.lineEnd(b, from: r)
        pos = end + 1
        // The text is the rest of the line minus its first byte; an all-blank rest is empty.
        var textStart = r
        while textStart < end, ByteClass.isBlank(b[textStart]) { textStart += 1 }
        let text = textStart == end ? end..<end : (r + 1)..<end
        let name = Self.unescaped(b, nameRange)
        if isHelp {
            guard UTF8Validation.isValid(b, text) else {
                throw error(.invalidUTF8, "help text \(Self.quote(bytes[text])) is not valid UTF-8", at: text.lowerBound)
            }
            return .help(name: name, text: Self.unescaped(b, text, quotes: false))
        }
        let type: MetricType
        switch Self.string(b, text) {
        case "counter": type = .counter
        case "gauge": type = .gauge
        case "histogram": type = .histogram
        case "summary": type = .summary
        case "untyped": type = .unknown
        case let other: throw error(.invalidMetadata, "invalid metric type \"\(other)\"", at: text.lowerBound)
        }
        metricType = type
        return .type(name: name, type: type)
    }

    /// A sample line starting at `i` (a metric name or `{`).
    private mutating func textSeries(_ b: UnsafeRawBufferPointer, at i: Int, known: ((UnsafeRawBufferPointer) -> Bool)?) throws(ParseError) {
        let n = b.count
        offsets.removeAll(keepingCapacity: true)
        var j = i
        if let known, let end = Self.quickSeriesEnd(b, at: i), known(UnsafeRawBufferPointer(rebasing: b[i..<end])) {
            j = end  // bytes that parsed before: no label validation, no offsets
            seriesEnd = end
        } else {
            if b[i] == ByteClass.braceOpen {
                offsets.append(-1); offsets.append(-1)
                j = try textLabels(b, from: i + 1)
            } else {
                j = Self.scanMetricName(b, from: i)
                offsets.append(i); offsets.append(j)
                seriesEnd = j
                let k = Self.skipBlanks(b, from: j)
                if k < n && b[k] == ByteClass.braceOpen { j = try textLabels(b, from: k + 1) }
            }
            seriesEnd = max(j, offsets[1])
            if offsets[0] < 0 { throw error(.syntax, "metric name not set", at: i) }
        }

        j = Self.skipBlanks(b, from: j)
        var e = j
        while e < n {
            let c = b[e]
            if c == ByteClass.space || c == ByteClass.tab || c == ByteClass.newline || c == ByteClass.braceOpen || c == 0 { break }
            e += 1
        }
        guard e > j else { throw syntaxError("expected value after metric", at: j) }
        guard let v = GoFloat.parse(UnsafeRawBufferPointer(rebasing: b[j..<e])) else {
            throw error(.invalidValue, "invalid float \(Self.quote(bytes[j..<e]))", at: j)
        }
        value = v.isNaN ? Self.normalNaN : v
        timestamp = nil

        j = Self.skipBlanks(b, from: e)
        if j >= n || b[j] == ByteClass.newline { pos = j + 1; return }
        guard b[j] &- 48 < 10 else { throw syntaxError("expected timestamp or new record", at: j) }
        var t = j
        var ts: Int64 = 0
        var overflow = false
        while t < n, b[t] &- 48 < 10 {
            let (m, o1) = ts.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(b[t] &- 48))
            overflow = overflow || o1 || o2
            ts = s
            t += 1
        }
        if overflow { throw error(.invalidTimestamp, "timestamp \(Self.quote(bytes[j..<t])) out of range", at: j) }
        timestamp = ts
        t = Self.skipBlanks(b, from: t)
        guard t >= n || b[t] == ByteClass.newline else { throw syntaxError("expected next entry after timestamp", at: t) }
        pos = t + 1
    }

    /// The label block after `{`; returns the index after `}`.
    /// Where the series part of a sample line starting at `i` ends, as `textSeries` would find
    /// it for a valid line: after the metric name, or after the `}` that closes the label
    /// block (the first outside a quoted string). Nothing is validated; nil if no brace closes.
    @inline(__always)
    static func quickSeriesEnd(_ b: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let n = b.count
        var j = i
        if b[i] != ByteClass.braceOpen {
            let nameEnd = scanMetricName(b, from: i)
            j = skipBlanks(b, from: nameEnd)
            guard j < n, b[j] == ByteClass.braceOpen else { return nameEnd }
        }
        j += 1
        var inQuotes = false
        while j < n {
            let c = b[j]
            if inQuotes {
                if c == ByteClass.backslash { j += 1 } else if c == ByteClass.quote { inQuotes = false }
            } else if c == ByteClass.quote {
                inQuotes = true
            } else if c == ByteClass.braceClose {
                return j + 1
            }
            j += 1
        }
        return nil
    }

    private mutating func textLabels(_ b: UnsafeRawBufferPointer, from start: Int) throws(ParseError) -> Int {
        let n = b.count
        var i = start
        while true {
            i = Self.skipBlanks(b, from: i)
            guard i < n else { throw syntaxError("expected label name", at: i) }
            var c = b[i]
            if c == ByteClass.braceClose { return i + 1 }
            let nameStart = i
            var nameEnd: Int
            let quoted = c == ByteClass.quote
            if quoted {
                guard let e = Self.scanQuoted(b, from: i, allowNewline: true, allowNUL: false) else {
                    throw syntaxError("expected label name", at: i)
                }
                nameEnd = e
            } else if ByteClass.isLabelNameStart(c) {
                nameEnd = Self.scanLabelName(b, from: i)
            } else {
                throw syntaxError("expected label name", at: i)
            }
            i = Self.skipBlanks(b, from: nameEnd)
            c = i < n ? b[i] : ByteClass.newline
            if quoted && (c == ByteClass.comma || c == ByteClass.braceClose) {
                // A quoted string without "=" is the metric name.
                if offsets[0] != -1 { throw error(.syntax, "metric name already set", at: nameStart) }
                offsets[0] = nameStart + 1
                offsets[1] = nameEnd - 1
                i += 1
                if c == ByteClass.braceClose { return i }
                continue
            }
            guard c == ByteClass.equal else { throw syntaxError("expected equal", at: i) }
            i = Self.skipBlanks(b, from: i + 1)
            guard i < n, b[i] == ByteClass.quote,
                  let valueEnd = Self.scanQuoted(b, from: i, allowNewline: true, allowNUL: true) else {
                throw syntaxError("expected label value", at: i)
            }
            guard UTF8Validation.isValid(b, i..<valueEnd) else {
                throw error(.invalidUTF8, "invalid UTF-8 label value: \(Self.quote(bytes[i..<valueEnd]))", at: i)
            }
            if quoted {
                offsets.append(nameStart + 1); offsets.append(nameEnd - 1)
            } else {
                offsets.append(nameStart); offsets.append(nameEnd)
            }
            offsets.append(i + 1); offsets.append(valueEnd - 1)
            i = Self.skipBlanks(b, from: valueEnd)
            if i < n && b[i] == ByteClass.comma { i += 1 }
        }
    }
}
