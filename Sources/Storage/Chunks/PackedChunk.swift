import Model

/// The second chunk encoding: decimal values and timestamps as integer columns with
/// frame-of-reference bit packing (after VictoriaMetrics' decimal values, `lib/decimal`, and
/// its nearest-delta / delta-of-delta integer blocks, `lib/encoding/int.go`).
///
/// Chosen per chunk when the head cuts it (`ChunkEncoding.finish`), because packing needs
/// every value of the chunk; open chunks stay XOR so they can grow sample by sample.
///
/// Layout: byte 0 = `ChunkEncoding.packed` (1), byte 1 = sample count n (1...255), byte 2 =
/// decimal exponent k (0...18), then a bit stream with two columns of n Int64s: the
/// timestamps, then the mantissas m, where value = Double(m) / 10^k (exactly: the encoder
/// checks the bit pattern round-trips for every value, so -0.0, NaNs, ±Inf, subnormals and
/// values with more digits never take this path).
///
/// A column: zig-zag varint x0; if n ≥ 2 one bit for the order (0: deltas x[i] - x[i-1],
/// 1: first delta as a zig-zag varint, then delta-of-deltas); then, when there are residuals,
/// zig-zag varint `base` (their minimum), uvarint `g` (gcd of residual - base, 1 if all
/// equal), 7 bits `w`, and every (residual - base) / g in w bits. A constant or exactly
/// regular column costs only its header; a counter with random integer steps costs
/// log2(step range) bits per sample. All arithmetic wraps, so any Int64 column round-trips.
enum PackedChunk {
    static let maxExponent = 18
    static let headerBytes = 3
    /// 10^k, exact in Double for k <= 22.
    static let powersOfTen: [Double] = (0...maxExponent).map { k in
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }

    /// The smallest k such that `bits` == (Double(m) / 10^k).bitPattern for an integer m with
    /// |m| < 2^53, or nil (not finite, -0.0, too many digits, too large).
    @inline(__always)
    static func decimalExponent(_ bits: UInt64) -> Int? {
        let v = Double(bitPattern: bits)
        guard v.isFinite else { return nil }
        for k in 0...maxExponent {
            let s = (v * powersOfTen[k]).rounded()
            guard abs(s) < 9.0e15 else { return nil }
            // Through Int64, as the decoder does: this is what rejects -0.0.
            if (Double(Int64(s)) / powersOfTen[k]).bitPattern == bits { return k }
        }
        return nil
    }

    /// Encodes samples as a packed chunk, or returns nil when a value is not an exact
    /// decimal (the caller keeps XOR). `ts` ascending, 1...255 samples.
    static func encode(ts: [Int64], bits: [UInt64]) -> [UInt8]? {
        let n = ts.count
        guard n > 0, n <= 255, bits.count == n else { return nil }
        var k = 0
        for b in bits {
            guard let e = decimalExponent(b) else { return nil }
            if e > k { k = e }
        }
        let scale = powersOfTen[k]
        var ms = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            let s = (Double(bitPattern: bits[i]) * scale).rounded()
            guard abs(s) < 9.0e15 else { return nil }
            ms[i] = Int64(s)
            guard (Double(ms[i]) / scale).bitPattern == bits[i] else { return nil }
        }
        var w = BitWriter(reservingCapacity: 16 + n)
        w.writeByte(ChunkEncoding.packed.rawValue)
        w.writeByte(UInt8(n))
        w.writeByte(UInt8(k))
        writeColumn(ts, into: &w)
        writeColumn(ms, into: &w)
        return w.bytes
    }

    struct Residuals {
        var base: Int64 = 0
        var gcd: UInt64 = 1
        var width = 0
        var costBits = 0
    }

    /// Frame-of-reference parameters for residuals[from...] (cost includes the header).
    static func plan(_ r: [Int64], from start: Int) -> Residuals {
        guard start < r.count else { return Residuals() }
        var lo = r[start]
        for i in start..<r.count where r[i] < lo { lo = r[i] }
        var g: UInt64 = 0
        var hi: UInt64 = 0
        for i in start..<r.count {
            let off = UInt64(bitPattern: r[i] &- lo)
            g = gcd(g, off)
            if off > hi { hi = off }
        }
        if g == 0 { g = 1 }
        let width = 64 - (hi / g).leadingZeroBitCount
        let cost = varintBits(zigzag(lo)) + varintBits(g) + 7 + (r.count - start) * width
        return Residuals(base: lo, gcd: g, width: width, costBits: cost)
    }

    static func writeColumn(_ x: [Int64], into w: inout BitWriter) {
        let n = x.count
        w.writeVarint(x[0])
        guard n >= 2 else { return }
        // r[i] for i >= 1: deltas; dd[i] for i >= 2: delta-of-deltas.
        var r = [Int64](repeating: 0, count: n)
        var dd = [Int64](repeating: 0, count: n)
        for i in 1..<n { r[i] = x[i] &- x[i - 1] }
        for i in 2..<n { dd[i] = r[i] &- r[i - 1] }
        let byDelta = plan(r, from: 1)
        let byDoD = plan(dd, from: 2)
        if byDoD.costBits + varintBits(zigzag(r[1])) < byDelta.costBits {
            w.write(1, bits: 1)
            w.writeVarint(r[1])
            writeResiduals(dd, from: 2, byDoD, into: &w)
        } else {
            w.write(0, bits: 1)
            writeResiduals(r, from: 1, byDelta, into: &w)
        }
    }

    private static func writeResiduals(_ r: [Int64], from start: Int, _ p: Residuals, into w: inout BitWriter) {
        guard start < r.count else { return }
        w.writeVarint(p.base)
        w.writeUVarint(p.gcd)
        w.write(UInt64(p.width), bits: 7)
        for i in start..<r.count {
            w.write(UInt64(bitPattern: r[i] &- p.base) / p.gcd, bits: p.width)
        }
    }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    @inline(__always) static func zigzag(_ x: Int64) -> UInt64 { UInt64(bitPattern: (x << 1) ^ (x >> 63)) }

    static func varintBits(_ x: UInt64) -> Int {
        var n = 8, x = x
        while x >= 0x80 { x >>= 7; n += 8 }
        return n
    }
}

/// Reads one packed column; `endBitPosition` (after the header) locates the next column.
struct PackedColumnReader {
    private(set) var reader: BitReader
    private let total: Int
    private var index = 0
    private var x: Int64 = 0
    private var delta: Int64 = 0
    private var dod = false
    private var base: Int64 = 0
    private var gcd: UInt64 = 1
    private var width = 0
    private(set) var failed = false

    init(reader: BitReader, count: Int) {
        self.reader = reader
        total = count
        x = self.reader.readVarint()
        guard count >= 2 else { return }
        dod = self.reader.readBit()
        if dod { delta = self.reader.readVarint() }
        if count > (dod ? 2 : 1) {
            base = self.reader.readVarint()
            gcd = self.reader.readUVarint()
            width = Int(self.reader.read(bits: 7))
            if width > 64 { failed = true }
        }
        if self.reader.overrun { failed = true }
    }

    /// The bit position right after this column's residuals.
    var endBitPosition: Int {
        let residuals = total - (dod ? 2 : 1)
        return reader.bitPosition + max(0, residuals) * width
    }

    @inline(__always)
    mutating func next() -> Int64 {
        defer { index += 1 }
        if index == 0 { return x }
        if dod {
            if index >= 2 { delta = delta &+ base &+ Int64(bitPattern: reader.read(bits: width) &* gcd) }
            x = x &+ delta
        } else {
            x = x &+ base &+ Int64(bitPattern: reader.read(bits: width) &* gcd)
        }
        return x
    }

    var overrun: Bool { reader.overrun || failed }
}

/// Decodes a packed chunk in time order; a corrupt or truncated one ends early with `failed`.
struct PackedIterator: IteratorProtocol {
    private var times: PackedColumnReader
    private var values: PackedColumnReader
    private let total: Int
    private var read = 0
    private let scale: Double
    private let exponent: Int
    private(set) var failed = false

    init(bytes: [UInt8]) {
        let ok = bytes.count >= PackedChunk.headerBytes && bytes[0] == ChunkEncoding.packed.rawValue
            && Int(bytes[2]) <= PackedChunk.maxExponent
        total = ok ? Int(bytes[1]) : 0
        exponent = ok ? Int(bytes[2]) : 0
        scale = PackedChunk.powersOfTen[exponent]
        times = PackedColumnReader(reader: BitReader(bytes: ok ? bytes : [], startByte: PackedChunk.headerBytes), count: max(total, 1))
        let end = times.endBitPosition
        values = PackedColumnReader(reader: BitReader(bytes: ok ? bytes : [], startBit: end), count: max(total, 1))
        if !ok || times.overrun || values.overrun { failed = true }
    }

    @inline(__always)
    mutating func next() -> Sample? {
        guard read < total, !failed else { return nil }
        let t = times.next()
        let m = values.next()
        if times.overrun || values.overrun {
            failed = true
            return nil
        }
        read += 1
        let v = exponent == 0 ? Double(m) : Double(m) / scale
        return Sample(t: t, v: v)
    }
}
