/// A duration written in Prometheus notation (`1m30s`, `2w`, `500ms`), held in whole milliseconds.
///
/// Prometheus's `model.Duration` has its own syntax: integer amounts of `y w d h m s ms`, largest unit
/// first, units case-sensitive, no fractions, signs or spaces, and the bare literal `0`. `Foundation`
/// and `Swift.Duration` parse none of that, and a reload must compare and print durations exactly as
/// Prometheus does (`1m30s`, never `90s`), so this type does both.
public struct PromDuration: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in milliseconds (never negative).
    public var milliseconds: Int64

    /// A duration of `milliseconds`.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The zero duration, which many settings read as "unset, use the default".
    public static let zero = PromDuration(milliseconds: 0)
    /// - Returns: a duration of `n` seconds.
    public static func seconds(_ n: Int64) -> PromDuration { PromDuration(milliseconds: n * 1000) }
    /// - Returns: a duration of `n` minutes.
    public static func minutes(_ n: Int64) -> PromDuration { PromDuration(milliseconds: n * 60_000) }

    /// The same length as a `Swift.Duration`, for clocks and sleeps.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// Units largest first, with their length in milliseconds.
    static let units: [(name: String, ms: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000),
        ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses Prometheus duration syntax.
    /// - Throws: `ConfigError` (`.type`) naming the text when it is not a valid duration.
    public init(parsing text: String) throws(ConfigError) {
        func bad() -> ConfigError { ConfigError(.type, "not a valid duration string: \(quoted(text))") }
        if text == "0" { self.init(milliseconds: 0); return }
        guard !text.isEmpty else { throw ConfigError(.type, "empty duration string") }
        let bytes = Array(text.utf8)
        var i = 0
        var nextUnit = 0
        var total: Int64 = 0
        while i < bytes.count {
            var amount: Int64 = 0
            let start = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                let (m, o1) = amount.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[i] - 48))
                guard !o1, !o2 else { throw bad() }
                amount = a
                i += 1
            }
            guard i > start else { throw bad() }
            let unitStart = i
            while i < bytes.count, bytes[i] >= 97, bytes[i] <= 122 { i += 1 }
            let unit = String(decoding: bytes[unitStart..<i], as: UTF8.self)
            guard let index = Self.units.firstIndex(where: { $0.name == unit }), index >= nextUnit else { throw bad() }
            nextUnit = index + 1
            let (part, o1) = amount.multipliedReportingOverflow(by: Self.units[index].ms)
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o1, !o2 else { throw ConfigError(.type, "duration out of range: \(quoted(text))") }
            total = sum
        }
        self.init(milliseconds: total)
    }

    /// Prometheus notation: `0s`, `1m30s`, `2w`, `1d`, `1m500ms`.
    public var description: String {
        guard milliseconds > 0 else { return "0s" }
        var rest = milliseconds
        var out = ""
        for unit in Self.units where rest >= unit.ms {
            out += "\(rest / unit.ms)\(unit.name)"
            rest %= unit.ms
        }
        return out
    }

    public static func < (a: PromDuration, b: PromDuration) -> Bool { a.milliseconds < b.milliseconds }

    /// Decodes from a YAML string (numbers are read as their text, so `10` fails as Prometheus fails).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch { throw decoder.error(from: error) }
    }

    /// Encodes as its Prometheus notation.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
