/// A size in bytes written with base-2 units (`512MB` = 512 × 2^20), as Prometheus's `units.Base2Bytes`.
///
/// `body_size_limit` and `storage.tsdb.retention.size` use it. A bare number has no unit and is
/// rejected, as in Prometheus; `0` means "no limit".
public struct ByteSize: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The size in bytes.
    public var bytes: Int64

    /// A size of `bytes` bytes.
    public init(bytes: Int64) { self.bytes = bytes }

    /// Zero: no limit.
    public static let zero = ByteSize(bytes: 0)

    static let units: [(name: String, factor: Int64)] = [
        ("EB", 1 << 60), ("PB", 1 << 50), ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1),
        ("EiB", 1 << 60), ("PiB", 1 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
    ]

    /// Parses `<number><unit>` segments (`1GB`, `1.5GB`, `1GB512MB`, `0`).
    /// - Throws: `ConfigError` (`.type`) when a unit is missing or unknown.
    public init(parsing text: String) throws(ConfigError) {
        if text == "0" { self.init(bytes: 0); return }
        var rest = Substring(text)
        var negative = false
        if rest.first == "-" || rest.first == "+" { negative = rest.first == "-"; rest = rest.dropFirst() }
        var total = 0.0
        guard !rest.isEmpty else { throw ConfigError(.type, "units: invalid size \(quoted(text))") }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number) else { throw ConfigError(.type, "units: invalid size \(quoted(text))") }
            guard let factor = Self.units.first(where: { $0.name == unit })?.factor else {
                throw ConfigError(.type, "units: unknown unit \(unit) in \(text)")
            }
            total += value * Double(factor)
        }
        guard total < 9.2e18 else { throw ConfigError(.type, "units: size out of range: \(quoted(text))") }
        self.init(bytes: Int64(negative ? -total : total))
    }

    /// The largest unit that divides the size exactly: `512MB`, `1GB`, `100B`, `0B`.
    public var description: String {
        guard bytes != 0 else { return "0B" }
        for unit in Self.units.prefix(7) where bytes % unit.factor == 0 {
            return "\(bytes / unit.factor)\(unit.name)"
        }
        return "\(bytes)B"
    }

    public static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

    /// Decodes from a YAML string with a unit.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch { throw decoder.error(from: error) }
    }

    /// Encodes as the number of bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(bytes)
    }
}
