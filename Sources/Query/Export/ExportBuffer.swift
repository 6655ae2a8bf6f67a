import Model

/// The bytes of an export on their way out: fills a buffer and hands it to `flush` whenever it
/// passes `flushSize`, so an export of any length holds one buffer. Not Sendable; one per export.
public struct ExportBuffer {
    /// Bytes not yet flushed.
    public private(set) var bytes: [UInt8] = []
    let flushSize: Int
    let flush: ([UInt8]) async throws -> Void
    /// Total bytes handed to `flush`.
    public private(set) var written = 0
    private var dayCache: (day: Int64, text: [UInt8]) = (.min, [])

    /// - Parameters:
    ///   - flushSize: bytes to collect before a flush (default 256 KiB).
    ///   - flush: receives each full buffer; its errors (a closed pipe, a full disk) end the export.
    public init(flushSize: Int = 1 << 18, flush: @escaping ([UInt8]) async throws -> Void) {
        self.flushSize = flushSize
        self.flush = flush
        bytes.reserveCapacity(flushSize + 4096)
    }

    /// Flushes when the buffer is full.
    @inline(__always)
    public mutating func flushIfFull() async throws {
        if bytes.count >= flushSize { try await flushNow() }
    }

    /// Hands everything buffered to `flush`.
    public mutating func flushNow() async throws {
        guard !bytes.isEmpty else { return }
        try await flush(bytes)
        written += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    @inline(__always) mutating func append(_ b: UInt8) { bytes.append(b) }
    @inline(__always) mutating func append(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    @inline(__always) mutating func append(_ b: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: b) }
    @inline(__always) mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Decimal digits of `v`.
    @inline(__always)
    mutating func appendInt(_ v: Int64) {
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            if v == .min { append("9223372036854775808"); return }
        }
        var x = UInt64(v.magnitude)
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes on the stack, filled from the end
        withUnsafeMutableBytes(of: &scratch) { raw in
            var i = 24
            repeat { i -= 1; raw[i] = UInt8(ascii: "0") + UInt8(x % 10); x /= 10 } while x > 0
            bytes.append(contentsOf: raw[i...])
        }
    }

    /// A float printed so that parsing it gives the same double back: plain decimals when
    /// at most 6 fraction digits represent it exactly enough to round-trip (`12.5`, `0.001`),
    /// otherwise the shortest round-tripping digits (`1e+300`, `3.3333333333333335`); `NaN`,
    /// `+Inf`, `-Inf` for the specials.
    @inline(__always)
    mutating func appendValue(_ v: Double) {
        let a = abs(v)
        if a < 1e15, v.isFinite, !(v == 0 && v.sign == .minus) {
            if v == v.rounded(.towardZero) { appendInt(Int64(v)); return }
            if a >= 1e-4, a < 1e9 {
                var scale = 10.0
                for k in 1...6 {
                    let scaled = (v * scale).rounded()
                    if scaled / scale == v {
                        appendDecimal(Int64(scaled), fractionDigits: k)
                        return
                    }
                    scale *= 10
                }
            }
        }
        if v.isNaN { append("NaN"); return }
        if v.isInfinite { append(v > 0 ? "+Inf" : "-Inf"); return }
        // Swift's description is the shortest round-tripping form (`1e-05`, `12345.670000000002`).
        var d = v.description
        d.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `units / 10^k` in plain decimal, trailing zeros dropped.
    private mutating func appendDecimal(_ units: Int64, fractionDigits k: Int) {
        var u = units.magnitude
        var k = k
        while k > 0, u % 10 == 0 { u /= 10; k -= 1 }
        if units < 0 { bytes.append(UInt8(ascii: "-")) }
        var p: UInt64 = 1
        for _ in 0..<k { p *= 10 }
        appendInt(Int64(u / p))
        if k > 0 {
            bytes.append(UInt8(ascii: "."))
            var frac = u % p
            var digits: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &digits) { raw in
                for i in stride(from: k - 1, through: 0, by: -1) { raw[i] = UInt8(ascii: "0") + UInt8(frac % 10); frac /= 10 }
                bytes.append(contentsOf: raw[0..<k])
            }
        }
    }

    /// `2024-05-01T12:00:00.000Z`; the date part is cached per day.
    mutating func appendRFC3339(_ t: Timestamp) {
        var ms = t % 1000, secs = t / 1000
        if ms < 0 { ms += 1000; secs -= 1 }
        var day = secs / 86400, rem = secs % 86400
        if rem < 0 { rem += 86400; day -= 1 }
        if dayCache.day != day {
            let full = TimeFormat.rfc3339Millis(day * 86_400_000)
            dayCache = (day, Array(full.utf8.prefix(11)))  // "YYYY-MM-DDT"
        }
        bytes.append(contentsOf: dayCache.text)
        two(rem / 3600); bytes.append(UInt8(ascii: ":"))
        two(rem / 60 % 60); bytes.append(UInt8(ascii: ":"))
        two(rem % 60); bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(ms / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(ms / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(ms % 10))
        bytes.append(UInt8(ascii: "Z"))
    }

    @inline(__always) private mutating func two(_ v: Int64) {
        bytes.append(UInt8(ascii: "0") + UInt8(v / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(v % 10))
    }

    /// A timestamp in `unit`.
    mutating func appendTime(_ t: Timestamp, _ unit: ExportColumn.TimeUnit) {
        switch unit {
        case .unixMillis: appendInt(t)
        case .unixNanos: appendInt(t &* 1_000_000)
        case .rfc3339: appendRFC3339(t)
        case .unixSeconds:
            var ms = t % 1000, s = t / 1000
            if ms < 0 { ms += 1000; s -= 1 }
            appendInt(s)
            if ms != 0 {
                bytes.append(UInt8(ascii: "."))
                var digits = [UInt8(ascii: "0") + UInt8(ms / 100), UInt8(ascii: "0") + UInt8(ms / 10 % 10), UInt8(ascii: "0") + UInt8(ms % 10)]
                while digits.last == UInt8(ascii: "0") { digits.removeLast() }
                bytes.append(contentsOf: digits)
            }
        }
    }
}

/// RFC 4180 and JSON string encoding.
enum TextEscape {
    /// A CSV field: quoted when it holds a comma, quote, CR or LF; quotes doubled.
    static func csvField(_ s: String) -> [UInt8] {
        let u = Array(s.utf8)
        guard u.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return u }
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for b in u {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    /// A JSON string literal, quotes included.
    static func jsonString(_ s: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
