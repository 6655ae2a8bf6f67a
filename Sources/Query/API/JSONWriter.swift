public import Model

/// Writes JSON straight into a byte array, in the exact form Prometheus's `web/api/v1`
/// produces with jsoniter (`ConfigCompatibleWithStandardLibrary`): HTML-safe string
/// escaping, timestamps as `<seconds>.<millis>` without rounding, sample values as Go's
/// `'f'` formatting in quotes. Building the bytes by hand keeps a 100k-point result from
/// allocating an encoder container per sample.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer; `capacity` is a hint.
    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    @inline(__always) public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends bytes that are already JSON.
    public mutating func rawBytes(_ json: [UInt8]) { bytes.append(contentsOf: json) }

    @inline(__always) mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// A JSON string with Go's escaping: `"`, `\`, control characters, `<`, `>`, `&`,
    /// U+2028 and U+2029 (invalid UTF-8 cannot occur in a Swift `String`).
    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Runs of bytes that need no escape (nearly all of them) are copied at once.
            var runStart = 0
            var i = 0
            let n = utf8.count
            while i < n {
                let c = utf8[i]
                if !Self.needsAttention(c) {
                    i += 1
                    continue
                }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                switch c {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0xE2 where i + 2 < n && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                    unicodeEscape(utf8[i + 2] == 0xA8 ? 0x2028 : 0x2029)
                    i += 2
                case 0xE2: bytes.append(c)
                default: unicodeEscape(UInt16(c))  // control characters, `<`, `>`, `&`
                }
                i += 1
                runStart = i
            }
            if runStart < n { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<n])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether `c` is escaped (or, for 0xE2, may begin U+2028 / U+2029).
    @inline(__always) private static func needsAttention(_ c: UInt8) -> Bool {
        switch c {
        case 0..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0xE2: return true
        default: return false
        }
    }

    private mutating func unicodeEscape(_ v: UInt16) {
        raw("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: v >> UInt16(shift)) & 0xF
            bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }

    /// A decimal integer.
    public mutating func int(_ v: Int64) {
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            if v == .min { bytes.append(contentsOf: "9223372036854775808".utf8); return }
        }
        var x = v.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            repeat {
                buf[n] = UInt8(ascii: "0") + UInt8(x % 10)
                x /= 10
                n += 1
            } while x > 0
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(buf[k]) }
        }
    }

    /// A millisecond timestamp as Prometheus's `marshalTimestamp`: seconds, then the
    /// milliseconds padded to three digits keeping trailing zeros (`1435781451.500`), or no
    /// fraction at all when it is zero (`1435781451`).
    public mutating func timestamp(_ t: Timestamp) {
        var t = t
        if t < 0 { bytes.append(UInt8(ascii: "-")); t = -t }
        int(t / 1000)
        let fraction = t % 1000
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            if fraction < 100 { bytes.append(UInt8(ascii: "0")) }
            if fraction < 10 { bytes.append(UInt8(ascii: "0")) }
            int(fraction)
        }
    }

    /// A sample value as a quoted string, Go's `strconv.FormatFloat(v, 'f', -1, 64)`.
    public mutating func quotedValue(_ v: Double) {
        bytes.append(UInt8(ascii: "\""))
        if v == v.rounded(), abs(v) < 1e15 {
            int(Int64(v))
            if v == 0, v.sign == .minus { bytes.removeLast(); raw("-0") }
        } else if abs(v) >= 1e-4, abs(v) < 1e15, case let text = v.description, !text.utf8.contains(UInt8(ascii: "e")) {
            // Swift's shortest round-trip digits, positional in this range: what Go's 'f', -1
            // gives, without FloatFormat's digit arrays (most such strings are small, inline).
            bytes.append(contentsOf: text.utf8)
        } else {
            bytes.append(contentsOf: FloatFormat.goF(v).utf8)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An unquoted JSON number as Go's `encoding/json` writes a float64: positional between
    /// 1e-6 and 1e21, otherwise exponent form without leading exponent zeros (`5e-7`).
    public mutating func number(_ v: Double) {
        guard v.isFinite else { raw("null"); return }
        let a = abs(v)
        if a == 0 { raw("0"); return }
        if a >= 1e-6, a < 1e21 { bytes.append(contentsOf: FloatFormat.goF(v).utf8); return }
        var text = FloatFormat.goG(v)
        if let e = text.firstIndex(of: "e") {
            var exponent = String(text[text.index(after: e)...])
            let sign = exponent.first == "-" ? "-" : ""
            exponent = String(exponent.drop { $0 == "-" || $0 == "+" || $0 == "0" })
            text = String(text[..<e]) + "e" + sign + (exponent.isEmpty ? "0" : exponent)
        }
        bytes.append(contentsOf: text.utf8)
    }

    /// `true` or `false`.
    public mutating func bool(_ v: Bool) { if v { raw("true") } else { raw("false") } }

    /// `[<seconds>,"<value>"]`.
    public mutating func point(_ t: Timestamp, _ v: Double) {
        bytes.append(UInt8(ascii: "["))
        timestamp(t)
        bytes.append(UInt8(ascii: ","))
        quotedValue(v)
        bytes.append(UInt8(ascii: "]"))
    }

    /// A label set as a JSON object in label order.
    public mutating func labels(_ labels: Labels) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for l in labels {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            string(l.name)
            bytes.append(UInt8(ascii: ":"))
            string(l.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// `["a","b"]`.
    public mutating func strings(_ list: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
