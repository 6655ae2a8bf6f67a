public import Model

/// The first byte of every chunk blob names its encoding. XOR chunks keep their original
/// layout, whose first byte is the high byte of a 16-bit sample count: always 0, since a
/// chunk holds fewer than 256 samples.
enum ChunkEncoding: UInt8 {
    /// Prometheus's XOR layout (schema version 1 wrote only this).
    case xor = 0
    /// Decimal columns, chosen when a full chunk is cut (`PackedChunk`).
    case packed = 1
    /// XOR with narrower time buckets for millisecond jitter (`XORChunk`): the open chunks.
    case xorFineTime = 2

    /// The encoding to store a full chunk in: packed when every value is an exact decimal and
    /// the result is smaller, else the XOR bytes as they are (without spare capacity).
    static func finish(xor bytes: [UInt8]) -> [UInt8] {
        var ts: [Int64] = []
        var bits: [UInt64] = []
        let n = XORChunk.count(of: bytes)
        ts.reserveCapacity(n)
        bits.reserveCapacity(n)
        var it = XORIterator(bytes: bytes)
        while let s = it.next() {
            ts.append(s.t)
            bits.append(s.v.bitPattern)
        }
        if !it.failed, let packed = PackedChunk.encode(ts: ts, bits: bits), packed.count < bytes.count {
            return packed
        }
        return bytes.count == bytes.capacity ? bytes : Array(unsafeUninitializedCapacity: bytes.count) { buf, n in
            n = buf.initialize(from: bytes).1
        }
    }
}

/// Decodes a chunk of any encoding in time order. Two optional decoders rather than an enum
/// with payloads, so `next()` mutates in place. An unknown encoding yields nothing, `failed`.
struct ChunkIterator: IteratorProtocol {
    private var xor: XORIterator?
    private var packed: PackedIterator?
    private let unknown: Bool

    init(bytes: [UInt8]) {
        switch bytes.first {
        case ChunkEncoding.packed.rawValue: packed = PackedIterator(bytes: bytes); unknown = false
        case ChunkEncoding.xor.rawValue, ChunkEncoding.xorFineTime.rawValue: xor = XORIterator(bytes: bytes); unknown = false
        default: unknown = bytes.count > 0
        }
    }

    @inline(__always)
    mutating func next() -> Sample? {
        if packed != nil { return packed!.next() }
        if xor != nil { return xor!.next() }
        return nil
    }

    var failed: Bool { unknown || (xor?.failed ?? false) || (packed?.failed ?? false) }

    /// Decodes every sample of a blob (tests, tools); nil when it does not decode.
    static func decode(_ bytes: [UInt8]) -> [Sample]? {
        var it = ChunkIterator(bytes: bytes)
        var out: [Sample] = []
        while let s = it.next() { out.append(s) }
        return it.failed ? nil : out
    }
}
