#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float syntax and formatting as the Prometheus scrape parsers see it.
///
/// Values go through Prometheus's `parseFloat`: Go's `strconv.ParseFloat(s, 64)` after rejecting
/// any `p`, `P` or `_` (so no hexadecimal floats and no digit separators). That leaves
/// `[+-]?digits[.digits][(e|E)[+-]digits]`, `[+-]?(inf|infinity)` and `nan`, case-insensitive
/// for the words. Like Go, a decimal that overflows to ±Inf is an error (`ErrRange`), while an
/// underflow quietly becomes 0 or a subnormal.
enum GoFloat {
    /// Exact powers of ten representable in a Double (Clinger's fast path).
    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses `s` with Prometheus's rules; nil if it is not a valid float.
    static func parse(_ s: UnsafeRawBufferPointer) -> Double? {
        let n = s.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if s[0] == UInt8(ascii: "-") || s[0] == UInt8(ascii: "+") {
            negative = s[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0  // significant digits held in `mantissa`
        var decimalExponent = 0
        var sawDigit = false, sawDot = false, truncated = false
        while i < n {
            let c = s[i]
            if c &- 48 < 10 {
                sawDigit = true
                if digits == 0 && c == 48 {
                    if sawDot { decimalExponent -= 1 }
                } else if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(c &- 48)
                    digits += 1
                    if sawDot { decimalExponent -= 1 }
                } else {
                    if c != 48 { truncated = true }
                    if !sawDot { decimalExponent += 1 }
                }
            } else if c == UInt8(ascii: ".") && !sawDot {
                sawDot = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { return special(s) }
        if i < n && (s[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) {
                expNegative = s[i] == UInt8(ascii: "-")
                i += 1
            }
            var exp = 0
            var sawExpDigit = false
            while i < n, s[i] &- 48 < 10 {
                if exp < 100_000 { exp = exp * 10 + Int(s[i] &- 48) }
                sawExpDigit = true
                i += 1
            }
            guard sawExpDigit else { return nil }
            decimalExponent += expNegative ? -exp : exp
        }
        guard i == n else { return nil }
        if mantissa == 0 && !truncated { return negative ? -0.0 : 0.0 }
        if !truncated && mantissa <= 1 << 53 && decimalExponent >= -22 && decimalExponent <= 22 {
            var v = Double(mantissa)
            if decimalExponent >= 0 { v *= exactPowers[decimalExponent] } else { v /= exactPowers[-decimalExponent] }
            return negative ? -v : v
        }
        return slowParse(s)
    }

    /// Correctly rounded conversion through `strtod`; the syntax was already checked.
    private static func slowParse(_ s: UnsafeRawBufferPointer) -> Double? {
        let v = withUnsafeTemporaryAllocation(of: CChar.self, capacity: s.count + 1) { buf -> Double in
            for k in 0..<s.count { buf[k] = CChar(bitPattern: s[k]) }
            buf[s.count] = 0
            return strtod(buf.baseAddress!, nil)
        }
        return v.isInfinite ? nil : v  // Go reports overflow as ErrRange
    }

    /// `[+-]?(inf|infinity)` or `nan`, ASCII case-insensitive, as Go's `special`.
    private static func special(_ s: UnsafeRawBufferPointer) -> Double? {
        var i = 0
        var sign = 1.0
        if s[0] == UInt8(ascii: "+") || s[0] == UInt8(ascii: "-") {
            if s[0] == UInt8(ascii: "-") { sign = -1 }
            i = 1
        } else if s.count == 3 && matchesIgnoringCase(s, from: 0, "nan") {
            return .nan
        }
        let rest = s.count - i
        if (rest == 3 && matchesIgnoringCase(s, from: i, "inf")) || (rest == 8 && matchesIgnoringCase(s, from: i, "infinity")) {
            return sign * .infinity
        }
        return nil
    }

    private static func matchesIgnoringCase(_ s: UnsafeRawBufferPointer, from start: Int, _ word: StaticString) -> Bool {
        let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for k in 0..<w.count where s[start + k] | 0x20 != w[k] { return false }
        return true
    }

    /// Go's `int64(f * 1000)` for a seconds value: truncation toward zero; out of range gives
    /// `Int64.min`, which is what Go produces on amd64.
    static func milliseconds(fromSeconds seconds: Double) -> Int64 {
        let ms = seconds * 1000
        guard ms > -9.223372036854775808e18, ms < 9.223372036854775808e18 else { return .min }
        return Int64(ms)
    }

    /// Prometheus's `labels.FormatOpenMetricsFloat`: Go's `FormatFloat(f, 'g', -1, 64)` plus
    /// ".0" when the result has neither a "." nor an "e".
    static func formatOpenMetrics(_ f: Double) -> String {
        if f == 1 { return "1.0" }
        if f == 0 { return "0.0" }
        if f == -1 { return "-1.0" }
        if f.isNaN { return "NaN" }
        if f.isInfinite { return f > 0 ? "+Inf" : "-Inf" }
        let s = goShortestG(f)
        return s.contains(where: { $0 == "." || $0 == "e" }) ? s : s + ".0"
    }

    /// Go's `%g` with the shortest round-trip digits (exponent form when exp < -4 or >= 6, as Go uses precision 6 for this choice).
    static func goShortestG(_ f: Double) -> String {
        // Swift's description also prints the shortest round-trip digits; only the layout differs.
        var text = Substring(f.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var digits: [Character] = []
        var pointPosition = text.count
        for (k, ch) in text.enumerated() {
            if ch == "." { pointPosition = k } else { digits.append(ch) }
        }
        var dp = pointPosition + exponent
        while let first = digits.first, first == "0" { digits.removeFirst(); dp -= 1 }
        while let last = digits.last, last == "0" { digits.removeLast() }
        if digits.isEmpty { return f.sign == .minus ? "-0" : "0" }
        var out = f.sign == .minus ? "-" : ""
        let exp = dp - 1
        if exp < -4 || exp >= 6 {
            out.append(digits[0])
            if digits.count > 1 { out += "." + String(digits[1...]) }
            out += exp < 0 ? "e-" : "e+"
            let magnitude = abs(exp)
            out += magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
        } else if dp <= 0 {
            out += "0." + String(repeating: "0", count: -dp) + String(digits)
        } else if dp >= digits.count {
            out += String(digits) + String(repeating: "0", count: dp - digits.count)
        } else {
            out += String(digits[..<dp]) + "." + String(digits[dp...])
        }
        return out
    }
}
