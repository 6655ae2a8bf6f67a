/// RFC 3339 rendering of millisecond timestamps in UTC, without Foundation's formatters
/// (they allocate and are slow on hot paths such as logging and CSV export).
public enum TimeFormat {
    /// `2006-01-02T15:04:05.000Z` (always three fractional digits).
    public static func rfc3339Millis(_ t: Timestamp) -> String {
        var ms = t % 1000
        var secs = t / 1000
        if ms < 0 { ms += 1000; secs -= 1 }
        var days = secs / 86400
        var rem = secs % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        pad(&out, y, 4); out.append(UInt8(ascii: "-"))
        pad(&out, m, 2); out.append(UInt8(ascii: "-"))
        pad(&out, d, 2); out.append(UInt8(ascii: "T"))
        pad(&out, rem / 3600, 2); out.append(UInt8(ascii: ":"))
        pad(&out, rem / 60 % 60, 2); out.append(UInt8(ascii: ":"))
        pad(&out, rem % 60, 2); out.append(UInt8(ascii: "."))
        pad(&out, ms, 3); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    private static func pad(_ out: inout [UInt8], _ v: Int64, _ width: Int) {
        var digits: [UInt8] = []
        var x = abs(v)
        repeat { digits.append(UInt8(ascii: "0") + UInt8(x % 10)); x /= 10 } while x > 0
        if v < 0 { out.append(UInt8(ascii: "-")) }
        for _ in digits.count..<max(width, digits.count) { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: digits.reversed())
    }
}
