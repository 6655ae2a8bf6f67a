public import Model

/// Byte encodings of what the tables store: label sets (`series.labels`) and write-ahead
/// records (`wal.data`). Little helpers over `[UInt8]`, no Foundation.
enum RecordCodec {
    static func putUVarint(_ out: inout [UInt8], _ x: UInt64) {
        var x = x
        while x >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        out.append(UInt8(x))
    }

    static func putVarint(_ out: inout [UInt8], _ x: Int64) {
        putUVarint(&out, UInt64(bitPattern: (x << 1) ^ (x >> 63)))
    }

    /// Label set: uvarint pair count, then per pair uvarint length + UTF-8 name, same for value.
    static func encode(_ labels: Labels) -> [UInt8] {
        var out: [UInt8] = []
        putUVarint(&out, UInt64(labels.count))
        for l in labels.pairs {
            putUVarint(&out, UInt64(l.name.utf8.count))
            out.append(contentsOf: l.name.utf8)
            putUVarint(&out, UInt64(l.value.utf8.count))
            out.append(contentsOf: l.value.utf8)
        }
        return out
    }

    /// Label set as symbol ids (schema 2): byte 0, uvarint pair count, then per pair uvarint
    /// name id and uvarint value id. `symbol` returns the id of a string (adding it if new).
    static func encode(_ labels: Labels, symbol: (String) -> UInt64) -> [UInt8] {
        var out: [UInt8] = [0]
        putUVarint(&out, UInt64(labels.count))
        for l in labels.pairs {
            putUVarint(&out, symbol(l.name))
            putUVarint(&out, symbol(l.value))
        }
        return out
    }

    /// Decodes either label format; `symbols` resolves ids (schema 2 rows).
    static func decodeLabels(_ bytes: UnsafeRawBufferPointer, symbols: [String]) -> Labels? {
        guard bytes.count >= 2, bytes[0] == 0 else { return decodeLabels(bytes) }
        var r = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[1...]))
        guard let n = r.uvarint(), n < 10_000 else { return nil }
        var pairs: [Label] = []
        pairs.reserveCapacity(Int(n))
        for _ in 0..<n {
            guard let a = r.uvarint(), let b = r.uvarint(), a < UInt64(symbols.count), b < UInt64(symbols.count) else { return nil }
            pairs.append(Label(name: symbols[Int(a)], value: symbols[Int(b)]))
        }
        return r.atEnd ? Labels(sortedUnique: pairs) : nil
    }

    static func decodeLabels(_ bytes: UnsafeRawBufferPointer) -> Labels? {
        var r = ByteReader(bytes)
        guard let n = r.uvarint(), n < 10_000 else { return nil }
        var pairs: [Label] = []
        pairs.reserveCapacity(Int(n))
        for _ in 0..<n {
            guard let name = r.string(), let value = r.string() else { return nil }
            pairs.append(Label(name: name, value: value))
        }
        return r.atEnd ? Labels(sortedUnique: pairs) : nil
    }

    /// Write-ahead record: uvarint count, then per sample uvarint ref, zig-zag varint time
    /// delta (from the previous sample of the record; the first from 0) and 8 little-endian
    /// value bytes, so NaN payloads survive.
    struct WALWriter {
        private(set) var bytes: [UInt8] = []
        private var previousT: Int64 = 0
        private(set) var count = 0

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func reset() {
            bytes.removeAll(keepingCapacity: true)
            previousT = 0
            count = 0
        }

        @inline(__always)
        mutating func append(ref: UInt64, t: Int64, bits: UInt64) {
            RecordCodec.putUVarint(&bytes, ref)
            RecordCodec.putVarint(&bytes, t &- previousT)
            previousT = t
            withUnsafeBytes(of: bits.littleEndian) { bytes.append(contentsOf: $0) }
            count += 1
        }

        /// The record: the sample count first, then the samples.
        func finish() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 5)
            RecordCodec.putUVarint(&out, UInt64(count))
            out.append(contentsOf: bytes)
            return out
        }
    }

    /// Calls `body` for each sample of a record; false when the record does not decode.
    static func forEachSample(in data: UnsafeRawBufferPointer, _ body: (UInt64, Int64, UInt64) -> Void) -> Bool {
        var r = ByteReader(data)
        guard let n = r.uvarint() else { return false }
        var t: Int64 = 0
        for _ in 0..<n {
            guard let ref = r.uvarint(), let dt = r.varint(), let bits = r.uint64LE() else { return false }
            t = t &+ dt
            body(ref, t, bits)
        }
        return r.atEnd
    }
}

/// Bounds-checked reads from a byte buffer; nil instead of a trap on truncated input.
struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    private var i = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var atEnd: Bool { i == bytes.count }

    mutating func uvarint() -> UInt64? {
        var x: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count, shift < 64 {
            let b = bytes[i]
            i += 1
            x |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return x }
            shift += 7
        }
        return nil
    }

    mutating func varint() -> Int64? {
        guard let u = uvarint() else { return nil }
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    mutating func uint64LE() -> UInt64? {
        guard i + 8 <= bytes.count else { return nil }
        let v = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        i += 8
        return UInt64(littleEndian: v)
    }

    mutating func string() -> String? {
        guard let n = uvarint(), n <= UInt64(bytes.count - i) else { return nil }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + Int(n))]), as: UTF8.self)
        i += Int(n)
        return s
    }
}
