public import Model

/// Time arguments of export and the HTTP API: Unix seconds (`1700000000`, `1700000000.5`),
/// RFC 3339 (`2024-05-01T12:00:00Z`, `…T12:00:00.123+02:00`), `now`, or `now-1h` / `-1h`
/// (a Prometheus duration back from now).
public enum ExportTime {
    /// - Throws: `ExportError.badTime` quoting the text.
    public static func parse(_ text: String, now: Timestamp = .now()) throws(ExportError) -> Timestamp {
        let s = text.trimmingCharacters(inSet: " ")
        if s == "now" { return now }
        if s.hasPrefix("now-") || s.hasPrefix("-") {
            let d = s.hasPrefix("now-") ? String(s.dropFirst(4)) : String(s.dropFirst())
            guard let ms = duration(d) else { throw .badTime("cannot parse \(quoted(text)) to a valid timestamp") }
            return now - ms
        }
        if let secs = Double(s), secs.isFinite {
            return Timestamp((secs * 1000).rounded())
        }
        if let t = rfc3339(s) { return t }
        throw .badTime("cannot parse \(quoted(text)) to a valid timestamp (use Unix seconds or RFC 3339)")
    }

    /// Prometheus duration (`1h30m`, `500ms`, `2d`) in milliseconds.
    public static func duration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        var rest = Substring(text)
        var total: Int64 = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += n * unit.1
        }
        return total
    }

    /// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` to milliseconds.
    static func rfc3339(_ s: String) -> Timestamp? {
        let u = Array(s.utf8)
        guard u.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + len) {
                guard i < u.count, u[i] >= 48, u[i] <= 57 else { return nil }
                v = v * 10 + Int64(u[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), u[4] == 45, let mo = num(5, 2), u[7] == 45, let d = num(8, 2),
              u[10] == 84 || u[10] == 116 || u[10] == 32, let h = num(11, 2), u[13] == 58, let mi = num(14, 2), u[16] == 58,
              let sec = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        var i = 19
        var ms: Int64 = 0
        if i < u.count, u[i] == 46 {
            i += 1
            var scale: Int64 = 100
            let start = i
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                ms += Int64(u[i] - 48) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        guard i < u.count else { return nil }
        var offset: Int64 = 0
        if u[i] == 90 || u[i] == 122 {
            i += 1
        } else if u[i] == 43 || u[i] == 45 {
            guard let oh = num(i + 1, 2), u.count > i + 3, u[i + 3] == 58, let om = num(i + 4, 2) else { return nil }
            offset = (oh * 60 + om) * 60_000 * (u[i] == 45 ? -1 : 1)
            i += 6
        } else { return nil }
        guard i == u.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        return ((days * 86400 + h * 3600 + mi * 60 + sec) * 1000 + ms) - offset
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension String {
    func trimmingCharacters(inSet c: Character) -> String {
        var s = self[...]
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return String(s)
    }
}
