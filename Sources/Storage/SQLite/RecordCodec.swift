public import Model
import Prompb

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

    /// Write-ahead record. Version 2 (written now): bytes 0 and 1; uvarint count; zig-zag
    /// varint mint and uvarint maxt − mint; per sample the zig-zag varint ref delta (from the
    /// previous sample's ref, the first from 0); then one snappy block holding per sample the
    /// zig-zag varint time delta (likewise) and 8 little-endian value bytes, so NaN payloads
    /// survive. A commit's refs mostly run in order (one byte each) and snappy finds the
    /// repeated times and high value bytes: ~6 bytes per sample instead of 12, so fewer pages
    /// per commit and fewer head checkpoints. The header and refs stay uncompressed so a
    /// damaged record still tells which series and times it held (`salvage`).
    /// Version 1 (still read): uvarint count, then per sample uvarint ref, zig-zag time delta
    /// and value bytes. Its first byte is never 0: a record holds at least one sample.
    struct WALWriter {
        private var refs: [UInt8] = []
        private var samples: [UInt8] = []
        private var previousT: Int64 = 0
        private var previousRef: UInt64 = 0
        private var mint = Int64.max
        private var maxt = Int64.min
        private(set) var count = 0

        init(capacity: Int) {
            refs.reserveCapacity(capacity / 8)
            samples.reserveCapacity(capacity)
        }

        mutating func reset() {
            refs.removeAll(keepingCapacity: true)
            samples.removeAll(keepingCapacity: true)
            previousT = 0
            previousRef = 0
            mint = .max
            maxt = .min
            count = 0
        }

        @inline(__always)
        mutating func append(ref: UInt64, t: Int64, bits: UInt64) {
            RecordCodec.putVarint(&refs, Int64(bitPattern: ref &- previousRef))
            previousRef = ref
            RecordCodec.putVarint(&samples, t &- previousT)
            previousT = t
            withUnsafeBytes(of: bits.littleEndian) { samples.append(contentsOf: $0) }
            mint = min(mint, t)
            maxt = max(maxt, t)
            count += 1
        }

        /// The version-2 record.
        func finish() -> [UInt8] {
            var out: [UInt8] = [0, 1]
            out.reserveCapacity(refs.count + samples.count / 2 + 32)
            RecordCodec.putUVarint(&out, UInt64(count))
            RecordCodec.putVarint(&out, count > 0 ? mint : 0)
            RecordCodec.putUVarint(&out, count > 0 ? UInt64(bitPattern: maxt &- mint) : 0)
            out.append(contentsOf: refs)
            out.append(contentsOf: Snappy.encode(samples))
            return out
        }
    }

    /// The largest decompressed sample block accepted (a commit of ~10 M samples); a bigger
    /// claim in a record whose checksum matched cannot come from this writer.
    static let maxRecordBytes = 256 << 20

    /// A version-2 record's uncompressed part: sample count, time range and refs, and where
    /// the compressed block starts. Nil when even that does not decode; with `partial`, a
    /// truncated ref list ends early instead (for `salvage`).
    private static func header(_ data: UnsafeRawBufferPointer, partial: Bool = false) -> (count: Int, mint: Int64, maxt: Int64, refs: [UInt64], blockStart: Int)? {
        var r = ByteReader(UnsafeRawBufferPointer(rebasing: data[2...]))
        guard let n = r.uvarint(), n <= UInt64(data.count), let mint = r.varint(), let span = r.uvarint() else { return nil }
        var refs: [UInt64] = []
        refs.reserveCapacity(Int(n))
        var ref: UInt64 = 0
        for _ in 0..<n {
            guard let d = r.varint() else {
                if partial { break }
                return nil
            }
            ref = ref &+ UInt64(bitPattern: d)
            refs.append(ref)
        }
        return (Int(n), mint, mint &+ Int64(bitPattern: span), refs, 2 + r.offset)
    }

    /// Calls `body` for each sample of a record (either version); false when the record does
    /// not decode.
    static func forEachSample(in data: UnsafeRawBufferPointer, _ body: (UInt64, Int64, UInt64) -> Void) -> Bool {
        guard data.count >= 2, data[0] == 0 else { return forEachSampleV1(in: data, body) }
        guard data[1] == 1, let h = header(data),
              let block = try? Snappy.decode(Array(data[h.blockStart...]), maxLength: maxRecordBytes) else { return false }
        return block.withUnsafeBytes { p in
            var r = ByteReader(p)
            var t: Int64 = 0
            for ref in h.refs {
                guard let dt = r.varint(), let bits = r.uint64LE() else { return false }
                t = t &+ dt
                body(ref, t, bits)
            }
            return r.atEnd
        }
    }

    /// What a damaged record still tells, unverified: the refs it names and its time range
    /// (for the loss report). Nil when nothing decodes.
    static func salvage(_ data: UnsafeRawBufferPointer) -> (refs: [UInt64], mint: Int64, maxt: Int64)? {
        if data.count >= 2, data[0] == 0 {
            guard data[1] == 1, let h = header(data, partial: true) else { return nil }
            return (h.refs, h.mint, h.maxt)
        }
        var refs: [UInt64] = []
        var mint = Int64.max, maxt = Int64.min
        _ = forEachSampleV1(in: data) { ref, t, _ in
            refs.append(ref)
            mint = min(mint, t)
            maxt = max(maxt, t)
        }
        return refs.isEmpty ? nil : (refs, mint, maxt)
    }

    /// Version-1 records: uvarint count, then per sample uvarint ref, zig-zag time delta, value.
    private static func forEachSampleV1(in data: UnsafeRawBufferPointer, _ body: (UInt64, Int64, UInt64) -> Void) -> Bool {
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
    /// Bytes read so far.
    var offset: Int { i }

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
