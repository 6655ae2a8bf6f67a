public import Model

/// The parameters of one API request, as Go's `r.Form`: the form-encoded POST body first,
/// then the URL query, each `application/x-www-form-urlencoded` decoded.
public struct APIParams: Sendable {
    private var pairs: [(String, String)] = []

    /// Parses a URL query string and an optional form body.
    public init(query: String?, body: String? = nil) {
        if let body { pairs += Self.decodeForm(body) }
        if let query { pairs += Self.decodeForm(query) }
    }

    /// Parameters given directly (the CLI), in order.
    public init(_ pairs: [(String, String)]) { self.pairs = pairs }

    /// Go's `r.FormValue`: the first value, or "" when absent.
    public func value(_ name: String) -> String { pairs.first { $0.0 == name }?.1 ?? "" }

    /// Whether the parameter was given at all (even empty).
    public func has(_ name: String) -> Bool { pairs.contains { $0.0 == name } }

    /// Every value of a repeated parameter (`match[]`).
    public func values(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// `a=1&b=%20x+y` → [("a","1"),("b"," x y")]; like Go, a pair that fails to decode is skipped.
    static func decodeForm(_ text: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let k = unescape(kv[0]), let v = unescape(kv.count > 1 ? kv[1] : "") else { continue }
            out.append((k, v))
        }
        return out
    }

    /// Percent-decoding with `+` as space (Go's `url.QueryUnescape`).
    public static func unescape(_ s: Substring) -> String? {
        guard s.contains("%") || s.contains("+") else { return String(s) }
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " ")); i += 1
            case UInt8(ascii: "%"):
                guard i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 3
            default: out.append(b[i]); i += 1
            }
        }
        return String(validating: out, as: UTF8.self) ?? String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Prometheus's `web/api/v1` parameter syntax: timestamps, durations, limits.
public enum APIParse {
    /// Prometheus's `MinTime` in ms (the earliest time Go's `time.Time` can format).
    public static let minTime: Timestamp = (Int64.min / 1000 + 62_135_596_801) * 1000
    /// Prometheus's `MaxTime` in ms.
    public static let maxTime: Timestamp = (Int64.max / 1000 - 62_135_596_801) * 1000 + 999
    static let minTimeFormatted = "-292273086-05-16T16:47:06Z"
    static let maxTimeFormatted = "292277025-08-18T07:12:54.999999999Z"

    /// A failed parameter: the message follows `invalid parameter "<name>": `.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// `parseTime`: Unix seconds as a float (rounded to ms) or RFC 3339 with optional
    /// fraction and zone; also Prometheus's formatted min and max times.
    public static func time(_ s: String) throws(Failure) -> Timestamp {
        if let f = Double(s), f.isFinite, !s.contains("_") {
            let whole = f.rounded(.towardZero)
            let frac = ((f - whole) * 1000).rounded() / 1000
            guard abs(whole) < 9.2e15 else { throw Failure(message: "cannot parse \(quotedGo(s)) to a valid timestamp") }
            return Int64(whole) * 1000 + Int64((frac * 1000).rounded())
        }
        if let t = rfc3339(s) { return t }
        if s == minTimeFormatted { return minTime }
        if s == maxTimeFormatted { return maxTime }
        throw Failure(message: "cannot parse \(quotedGo(s)) to a valid timestamp")
    }

    /// `parseDuration`: float seconds or a Prometheus duration (`5m`, `1h30m`). Milliseconds,
    /// truncated as Go converts a `time.Duration`.
    public static func duration(_ s: String) throws(Failure) -> Int64 {
        if let d = Double(s), !d.isNaN, !s.contains("_") {
            let ns = d * 1e9
            guard ns < 9.223372036854775807e18, ns > -9.223372036854775807e18 else {
                throw Failure(message: "cannot parse \(quotedGo(s)) to a valid duration. It overflows int64")
            }
            return Int64(ns) / 1_000_000
        }
        if let ms = parseDuration(s) { return ms }
        throw Failure(message: "cannot parse \(quotedGo(s)) to a valid duration")
    }

    /// `parseLimitParam`: empty is 0 (no limit).
    public static func limit(_ s: String) throws(Failure) -> Int {
        if s.isEmpty { return 0 }
        guard let n = Int(s) else { throw Failure(message: "strconv.Atoi: parsing \(quotedGo(s)): invalid syntax") }
        guard n >= 0 else { throw Failure(message: "limit must be non-negative") }
        return n
    }

    /// RFC 3339 (`2006-01-02T15:04:05.999999999Z07:00`) to ms; nil when malformed.
    static func rfc3339(_ s: String) -> Timestamp? {
        let b = Array(s.utf8)
        guard b.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + len) {
                guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), b[4] == UInt8(ascii: "-"), let mo = num(5, 2), b[7] == UInt8(ascii: "-"),
              let d = num(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let h = num(11, 2), b[13] == UInt8(ascii: ":"), let mi = num(14, 2), b[16] == UInt8(ascii: ":"),
              let sec = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 60
        else { return nil }
        var i = 19
        var ms: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { ms = ms * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0, digits <= 9 else { return nil }
            for _ in 0..<max(0, 3 - digits) { ms *= 10 }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == UInt8(ascii: "Z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        return ((days * 86400 + h * 3600 + mi * 60 + sec) - offset) * 1000 + ms
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
