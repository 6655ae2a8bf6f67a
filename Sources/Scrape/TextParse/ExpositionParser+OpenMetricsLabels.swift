/// OpenMetrics label sets: of a sample and of an exemplar (`# {…} value [timestamp]`).
extension ExpositionParser {
    /// Parses labels after `{` into `out` (pairs of name and value ranges); returns the index
    /// after `}`. No blanks are allowed; a trailing comma is, as in Prometheus. Exemplar label
    /// sets allow no quoted metric name and no raw NUL.
    func openMetricsLabels(_ b: UnsafeRawBufferPointer, from start: Int, into out: inout [Int], exemplar: Bool) throws(ParseError) -> Int {
        let n = b.count
        var i = start
        while true {
            guard i < n else { throw syntaxError("expected label name", at: i) }
            var c = b[i]
            if c == ByteClass.braceClose {
                if strict && i > start && b[i - 1] == ByteClass.comma { throw syntaxError("expected label name", at: i) }
                if strict { try checkStrictLabelSet(b, out, exemplar: exemplar, at: start) }
                return i + 1
            }
            let nameStart = i
            let quoted = c == ByteClass.quote
            if quoted {
                guard let e = Self.scanQuoted(b, from: i, allowNewline: !exemplar, allowNUL: false) else {
                    throw syntaxError("expected label name", at: i)
                }
                i = e
            } else if ByteClass.isLabelNameStart(c) {
                i = Self.scanLabelName(b, from: i)
            } else {
                throw syntaxError("expected label name", at: i)
            }
            let nameEnd = i
            c = i < n ? b[i] : 0
            if quoted && (c == ByteClass.comma || c == ByteClass.braceClose) {
                if exemplar { throw syntaxError("expected label name", at: i) }
                if out[0] != -1 { throw error(.syntax, "metric name already set", at: nameStart) }
                out[0] = nameStart + 1
                out[1] = nameEnd - 1
                i += 1
                if c == ByteClass.braceClose {
                    if strict { try checkStrictLabelSet(b, out, exemplar: exemplar, at: start) }
                    return i
                }
                continue
            }
            guard c == ByteClass.equal else { throw syntaxError("expected equal", at: i) }
            i += 1
            guard i < n, b[i] == ByteClass.quote,
                  let valueEnd = Self.scanQuoted(b, from: i, allowNewline: false, allowNUL: !exemplar) else {
                throw syntaxError("expected label value", at: i)
            }
            guard UTF8Validation.isValid(b, i..<valueEnd) else {
                throw error(.invalidUTF8, "invalid UTF-8 label value: \(Self.quote(bytes[i..<valueEnd]))", at: i)
            }
            if quoted {
                out.append(nameStart + 1); out.append(nameEnd - 1)
            } else {
                out.append(nameStart); out.append(nameEnd)
            }
            out.append(i + 1); out.append(valueEnd - 1)
            i = valueEnd
            c = i < n ? b[i] : 0
            if c == ByteClass.comma {
                i += 1
            } else if c != ByteClass.braceClose {
                throw syntaxError("expected comma or brace close", at: i)
            }
        }
    }

    /// The exemplar after `" # {"`: labels, value, optional timestamp, then the newline.
    mutating func openMetricsExemplar(_ b: UnsafeRawBufferPointer, from start: Int) throws(ParseError) {
        let n = b.count
        if ignoreExemplar {
            // Peeking for `_created` (startTimestamp): skip to the end of the line.
            let end = Self.lineEnd(b, from: start)
            guard end < n else { throw error(.missingEOF, "data does not end with # EOF", at: end) }
            pos = end + 1
            return
        }
        exemplarOffsets.removeAll(keepingCapacity: true)
        var j = try openMetricsLabels(b, from: start, into: &exemplarOffsets, exemplar: true)
        let valueEnd = Self.spaceToken(b, at: j)
        guard valueEnd > j + 1 else { throw syntaxError("expected value after exemplar labels", at: j) }
        exemplarValue = try floatValue(b, (j + 1)..<valueEnd)
        exemplarTimestamp = nil
        j = valueEnd
        guard j < n else { throw error(.missingEOF, "data does not end with # EOF", at: j) }
        if b[j] != ByteClass.newline {
            let tsEnd = Self.spaceToken(b, at: j)
            guard tsEnd > j + 1 else { throw syntaxError("expected timestamp or comment", at: j) }
            exemplarTimestamp = try secondsTimestamp(b, (j + 1)..<tsEnd, what: "exemplar timestamp")
            j = tsEnd
            guard j < n else { throw error(.missingEOF, "data does not end with # EOF", at: j) }
            guard b[j] == ByteClass.newline else { throw syntaxError("expected next entry after exemplar timestamp", at: j) }
        }
        hasExemplar = true
        pos = j + 1
    }

    /// Strict OpenMetrics: label names unique; an exemplar's names and values together at most
    /// 128 characters (code points).
    private func checkStrictLabelSet(_ b: UnsafeRawBufferPointer, _ out: [Int], exemplar: Bool, at start: Int) throws(ParseError) {
        let first = exemplar ? 0 : 2
        for k in stride(from: first, to: out.count, by: 4) {
            for m in stride(from: k + 4, to: out.count, by: 4)
            where b[out[k]..<out[k + 1]].elementsEqual(b[out[m]..<out[m + 1]]) {
                throw error(.syntax, "duplicate label name \(Self.quote(bytes[out[m]..<out[m + 1]]))", at: out[m])
            }
        }
        guard exemplar else { return }
        var characters = 0
        for k in stride(from: 0, to: out.count, by: 4) {
            for range in [out[k]..<out[k + 1], out[k + 2]..<out[k + 3]] {
                characters += Self.unescaped(b, range).unicodeScalars.count
            }
        }
        if characters > 128 { throw error(.syntax, "exemplar label set has \(characters) characters, more than 128", at: start) }
    }
}
