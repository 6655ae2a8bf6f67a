/// Formats floats exactly as Go's `strconv.FormatFloat(v, fmt, -1, 64)`, which is what
/// Prometheus prints: `'g'` in the exposition format and federation, `'f'` in the JSON API.
/// The digits are the shortest that round-trip (Swift's `description` gives those).
public enum FloatFormat {
    /// Go's `'g'` with shortest precision: `1e+06`, `123456`, `1.5e-05`, `+Inf`, `NaN`.
    /// Go switches to an exponent when it is below -4 or at least 6 (the shortest-precision rule).
    public static func goG(_ v: Double) -> String {
        if let special = special(v) { return special }
        let (neg, digits, dp) = decimal(v)
        if digits.isEmpty { return neg ? "-0" : "0" }
        let exp = dp - 1
        let body = (exp < -4 || exp >= 6) ? eFormat(digits, exp) : fFormat(digits, dp)
        return neg ? "-" + body : body
    }

    /// Go's `'f'` with shortest precision: never an exponent.
    public static func goF(_ v: Double) -> String {
        if let special = special(v) { return special }
        let (neg, digits, dp) = decimal(v)
        if digits.isEmpty { return neg ? "-0" : "0" }
        let body = fFormat(digits, dp)
        return neg ? "-" + body : body
    }

    private static func special(_ v: Double) -> String? {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        return nil
    }

    /// Sign, significant digits (ASCII, no leading or trailing zeros) and the decimal point
    /// position: value = 0.d1d2d3… × 10^dp.
    static func decimal(_ v: Double) -> (Bool, [UInt8], Int) {
        let neg = v.sign == .minus
        let text = Array(abs(v).description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(of: UInt8(ascii: "e")) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var dp = 0
        var seenPoint = false
        for c in mantissa {
            if c == UInt8(ascii: ".") { seenPoint = true; continue }
            digits.append(c)
            if !seenPoint { dp += 1 }
        }
        dp += exponent
        var lead = 0
        while lead < digits.count, digits[lead] == UInt8(ascii: "0") { lead += 1 }
        digits.removeFirst(lead)
        dp -= lead
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (neg, digits, dp)
    }

    private static func eFormat(_ digits: [UInt8], _ exp: Int) -> String {
        var out = [digits[0]]
        if digits.count > 1 {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[1...])
        }
        out.append(UInt8(ascii: "e"))
        out.append(exp < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let e = abs(exp)
        if e < 10 { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: String(e).utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static func fFormat(_ digits: [UInt8], _ dp: Int) -> String {
        var out: [UInt8] = []
        if dp <= 0 {
            out.append(contentsOf: "0.".utf8)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -dp))
            out.append(contentsOf: digits)
        } else if dp >= digits.count {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: dp - digits.count))
        } else {
            out.append(contentsOf: digits[..<dp])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[dp...])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
