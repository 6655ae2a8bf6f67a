import Model

/// One column of a CSV export, in the column syntax of VictoriaMetrics' `/api/v1/export/csv`
/// (`format=__name__,job,__value__,__timestamp__:unix_s`), so scripts written for it work.
public enum ExportColumn: Sendable, Equatable {
    /// How a `__timestamp__` column prints the sample time.
    public enum TimeUnit: String, Sendable, Equatable {
        /// Seconds since the epoch; milliseconds as a fraction when not zero (`1700000000.25`).
        case unixSeconds = "unix_s"
        /// Milliseconds since the epoch (the default of a bare `__timestamp__`).
        case unixMillis = "unix_ms"
        /// Nanoseconds since the epoch.
        case unixNanos = "unix_ns"
        /// RFC 3339 in UTC with milliseconds: `2024-05-01T12:00:00.000Z`.
        case rfc3339
    }

    /// The metric name (`__name__`).
    case metricName
    /// The value of a label (empty when the series does not have it).
    case label(String)
    /// The sample value, round-trip exact (`NaN`, `+Inf`, `-Inf` for the specials).
    case value
    /// The sample time.
    case timestamp(TimeUnit)

    /// The header cell of this column: the spec token it was parsed from.
    public var header: String {
        switch self {
        case .metricName: return LabelName.metricName
        case .label(let name): return name
        case .value: return "__value__"
        case .timestamp(let unit): return unit == .unixMillis ? "__timestamp__" : "__timestamp__:\(unit.rawValue)"
        }
    }

    /// Parses a comma-separated column spec.
    /// - Throws: `ExportError.badColumns` naming the offending token.
    public static func parse(_ spec: String) throws(ExportError) -> [ExportColumn] {
        var out: [ExportColumn] = []
        for raw in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let token = raw.trimmingWhitespace()
            guard !token.isEmpty else { throw .badColumns("empty column in \(quoted(spec))") }
            if token == LabelName.metricName { out.append(.metricName); continue }
            if token == "__value__" { out.append(.value); continue }
            if token == "__timestamp__" { out.append(.timestamp(.unixMillis)); continue }
            if token.hasPrefix("__timestamp__:") {
                let unit = String(token.dropFirst("__timestamp__:".count))
                guard let u = TimeUnit(rawValue: unit) else {
                    throw .badColumns("unknown timestamp format \(quoted(unit)) in column \(quoted(token)); use unix_s, unix_ms, unix_ns or rfc3339")
                }
                out.append(.timestamp(u))
                continue
            }
            guard !token.hasPrefix("__value__"), !token.hasPrefix("__timestamp__") else {
                throw .badColumns("invalid column \(quoted(token)): expected __value__ or __timestamp__[:unix_s|unix_ms|unix_ns|rfc3339]")
            }
            out.append(.label(token))
        }
        guard !out.isEmpty else { throw .badColumns("no columns given") }
        return out
    }

    /// The default columns: `__name__`, every other label name (sorted), RFC 3339 time, value.
    /// The header names the last two `timestamp` and `value`.
    public static func defaults(labelNames: [String]) -> [ExportColumn] {
        [.metricName] + labelNames.filter { $0 != LabelName.metricName }.sorted().map { .label($0) } + [.timestamp(.rfc3339), .value]
    }
}

/// A bad export request, reported before any output is written.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    case badColumns(String)
    case badSelector(String)
    case badTime(String)

    public var description: String {
        switch self {
        case .badColumns(let m): return "invalid --columns: \(m)"
        case .badSelector(let m): return "invalid selector: \(m)"
        case .badTime(let m): return "invalid time: \(m)"
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
