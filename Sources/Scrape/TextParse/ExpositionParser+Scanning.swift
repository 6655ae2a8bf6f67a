/// Token scanners shared by both grammars.
extension ExpositionParser {
    /// Scans a double-quoted string whose opening quote is at `i`.
    /// - Returns: the index after the closing quote, or nil if the string is unterminated or
    ///   contains a byte the context forbids. A backslash escapes any byte but a newline.
    @inline(__always)
    static func scanQuoted(_ b: UnsafeRawBufferPointer, from i: Int, allowNewline: Bool, allowNUL: Bool) -> Int? {
        var j = i + 1
        let n = b.count
        while j < n {
            let c = b[j]
            if c == ByteClass.quote { return j + 1 }
            if c == ByteClass.backslash {
                j += 1
                guard j < n else { return nil }
                let e = b[j]
                if e == ByteClass.newline || (e == 0 && !allowNUL) { return nil }
            } else if (c == ByteClass.newline && !allowNewline) || (c == 0 && !allowNUL) {
                return nil
            }
            j += 1
        }
        return nil
    }

    /// Index after the run of metric-name characters starting at `i`.
    @inline(__always)
    static func scanMetricName(_ b: UnsafeRawBufferPointer, from i: Int) -> Int {
        var j = i + 1
        while j < b.count, ByteClass.isMetricNameChar(b[j]) { j += 1 }
        return j
    }

    /// Index after the run of label-name characters starting at `i`.
    @inline(__always)
    static func scanLabelName(_ b: UnsafeRawBufferPointer, from i: Int) -> Int {
        var j = i + 1
        while j < b.count, ByteClass.isLabelNameChar(b[j]) { j += 1 }
        return j
    }

    /// Index of the first space or tab at or after `i` not to skip (text format only).
    @inline(__always)
    static func skipBlanks(_ b: UnsafeRawBufferPointer, from i: Int) -> Int {
        var j = i
        while j < b.count, ByteClass.isBlank(b[j]) { j += 1 }
        return j
    }

    /// Index of the next newline at or after `i`, or the end of the body.
    @inline(__always)
    static func lineEnd(_ b: UnsafeRawBufferPointer, from i: Int) -> Int {
        var j = i
        while j < b.count, b[j] != ByteClass.newline { j += 1 }
        return j
    }

    /// Whether `b[i...]` starts with the ASCII `word`.
    @inline(__always)
    static func hasPrefix(_ b: UnsafeRawBufferPointer, at i: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard b.count - i >= count else { return false }
        let w = word.utf8Start
        for k in 0..<count where b[i + k] != w[k] { return false }
        return true
    }

    /// The text of `b[range]` as a String (lossy only for invalid UTF-8, which callers reject).
    static func string(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: b[range]), as: UTF8.self)
    }

    /// Unescapes `\"`, `\\` and `\n` (and `\"` only when `quotes`); any other backslash pair is
    /// kept as written, like Prometheus's `strings.Replacer`.
    static func unescaped(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, quotes: Bool = true) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: b[range])
        guard raw.contains(ByteClass.backslash) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            let c = raw[k]
            if c == ByteClass.backslash, k + 1 < raw.count {
                let e = raw[k + 1]
                if e == ByteClass.backslash || (quotes && e == ByteClass.quote) {
                    out.append(e); k += 2; continue
                }
                if e == UInt8(ascii: "n") { out.append(ByteClass.newline); k += 2; continue }
            }
            out.append(c)
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
