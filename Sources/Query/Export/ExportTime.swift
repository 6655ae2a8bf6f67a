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

    /// RFC 3339 to milliseconds: the API's parser, so `lantern export` and `/api/v1/query`
    /// accept exactly the same times.
    static func rfc3339(_ s: String) -> Timestamp? { APIParse.rfc3339(s) }

}

extension String {
    func trimmingCharacters(inSet c: Character) -> String {
        var s = self[...]
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return String(s)
    }
}
