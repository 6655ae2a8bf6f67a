public import Model

/// Gorilla-style compression of one series' samples (Facebook's Gorilla paper, as in
/// Prometheus `tsdb/chunkenc/xor.go`): delta-of-delta timestamps and XOR-ed float bits.
///
/// Layout (`ChunkEncoding.xor`, Prometheus's): a 2-byte big-endian sample count (below 256,
/// so the first byte, 0, doubles as the encoding byte), then sample 0 as a zig-zag varint
/// time and 64 raw value bits, sample 1 as a uvarint time delta and an XOR value, and every
/// later sample as a delta-of-delta bucket (`0`, `10`+14, `110`+17, `1110`+20, `1111`+64
/// bits) and an XOR value. `ChunkEncoding.xorFineTime` (what the head writes now) has the
/// encoding byte 2, a 1-byte count, and buckets `0`, `10`+7, `110`+14, `1110`+20, `1111`+64:
/// scrape jitter of a few milliseconds costs 9 bits per sample instead of 16. Values are compared as bit patterns, so NaN payloads (the staleness
/// marker), ±Inf and -0.0 round-trip exactly. Time arithmetic wraps, so any Int64 works.
enum XORChunk {
    /// Samples per chunk before the head cuts it (Prometheus's 120: ~2 h at 1-minute scrapes).
    static let samplesPerChunk = 120
    static let headerBytes = 2

    /// Decodes every sample (for tests and repair tools).
    static func decode(_ bytes: [UInt8]) -> [Sample] {
        var it = XORIterator(bytes: bytes)
        var out: [Sample] = []
        while let s = it.next() { out.append(s) }
        return out
    }

    /// The sample count stored in the header, or 0 for a truncated blob.
    static func count(of bytes: [UInt8]) -> Int {
        guard bytes.count >= headerBytes else { return 0 }
        return bytes[0] == ChunkEncoding.xorFineTime.rawValue ? Int(bytes[1]) : Int(bytes[0]) << 8 | Int(bytes[1])
    }

    /// True for either XOR layout.
    static func isXOR(_ bytes: [UInt8]) -> Bool {
        bytes.first == ChunkEncoding.xor.rawValue || bytes.first == ChunkEncoding.xorFineTime.rawValue
    }

    /// Widths of the first two delta-of-delta buckets of an encoding.
    @inline(__always)
    static func smallBuckets(fine: Bool) -> (Int, Int) { fine ? (7, 14) : (14, 17) }
}

/// The writable end of one chunk: appends samples in time order. Value type: a copy held
/// by a querier keeps seeing the samples it had (the byte buffer is copy-on-write).
///
/// Fields are ordered so the small ones fill the word after the bit writer's 32-bit count
/// (one per series in the head: 48 bytes).
struct XORAppender: Sendable {
    private(set) var writer: BitWriter
    private var sampleCount: UInt16 = 0
    private var leading: UInt8 = 0xff
    private var trailing: UInt8 = 0
    private(set) var mint: Timestamp = 0
    /// The newest sample's time; in an empty appender made by `init(after:bits:)`, the
    /// previous chunk's.
    private(set) var maxt: Timestamp = 0
    private var tDelta: Int64 = 0
    private var v: UInt64 = 0

    /// A new chunk in `encoding` (`.xorFineTime` or `.xor`).
    init(capacity: Int = 32, encoding: ChunkEncoding = .xorFineTime) {
        writer = BitWriter(reservingCapacity: capacity)
        writer.writeByte(encoding == .xor ? 0 : encoding.rawValue)
        writer.writeByte(0)
    }

    /// An empty chunk that remembers the previous chunk's last sample (`maxt`,
    /// `lastValueBits`), so the series needs no copy of it. Encoding ignores both until the
    /// first append.
    init(after t: Timestamp, bits: UInt64, capacity: Int = 32) {
        self.init(capacity: capacity)
        maxt = t
        v = bits
    }

    var count: Int { Int(sampleCount) }

    /// Resumes appending to a chunk decoded from storage (a partial chunk on reopen).
    /// Returns nil when the blob does not decode.
    init?(resuming bytes: [UInt8]) {
        var it = XORIterator(bytes: bytes)
        var n = 0
        var first: Timestamp = 0
        while let s = it.next() {
            if n == 0 { first = s.t }
            n += 1
        }
        guard !it.failed, n == XORChunk.count(of: bytes) else { return nil }
        writer = BitWriter(bytes: bytes, bitCount: it.bitPosition)
        sampleCount = UInt16(n)
        mint = first
        let st = it.encoderState
        maxt = st.t
        tDelta = st.tDelta
        v = st.v
        leading = st.leading
        trailing = st.trailing
    }

    var bytes: [UInt8] { writer.bytes }

    /// Drops the byte buffer's spare capacity.
    mutating func shrinkToFit() { writer.shrinkToFit() }
    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count >= XORChunk.samplesPerChunk }
    /// The last value appended, as bits.
    var lastValueBits: UInt64 { v }

    /// The memory the next `append` writes, for a prefetch hint.
    @inline(__always)
    var writeHint: BitWriter.WriteHint { writer.writeHint }

    /// Appends a sample; the caller guarantees `t` is greater than `maxt`.
    @inline(__always)
    mutating func append(t: Timestamp, bits: UInt64) {
        switch count {
        case 0:
            writer.writeVarint(t)
            writer.write(bits, bits: 64)
            mint = t
        case 1:
            tDelta = t &- maxt
            writer.writeUVarint(UInt64(bitPattern: tDelta))
            writeValue(bits)
        default:
            let delta = t &- maxt
            let dod = delta &- tDelta
            let (w1, w2) = XORChunk.smallBuckets(fine: writer.bytes[0] == ChunkEncoding.xorFineTime.rawValue)
            let h1 = Int64(1) << Int64(w1 - 1), h2 = Int64(1) << Int64(w2 - 1)
            if dod == 0 {
                writer.write(0, bits: 1)
            } else if dod > -h1 && dod <= h1 {
                writer.write(0b10, bits: 2)
                writer.write(UInt64(bitPattern: dod) & (UInt64(1) << UInt64(w1) - 1), bits: w1)
            } else if dod > -h2 && dod <= h2 {
                writer.write(0b110, bits: 3)
                writer.write(UInt64(bitPattern: dod) & (UInt64(1) << UInt64(w2) - 1), bits: w2)
            } else if dod >= -524_287 && dod <= 524_288 {
                writer.write(0b1110, bits: 4)
                writer.write(UInt64(bitPattern: dod) & 0xfffff, bits: 20)
            } else {
                writer.write(0b1111, bits: 4)
                writer.write(UInt64(bitPattern: dod), bits: 64)
            }
            tDelta = delta
            writeValue(bits)
        }
        maxt = t
        v = bits
        sampleCount += 1
        // Byte 0 is the encoding (for `.xor` the count's high byte, 0 below 256 samples).
        writer.setByte(UInt8(truncatingIfNeeded: sampleCount), at: 1)
    }

    @inline(__always)
    private mutating func writeValue(_ bits: UInt64) {
        let delta = bits ^ v
        if delta == 0 {
            writer.write(0, bits: 1)
            return
        }
        var newLeading = UInt8(delta.leadingZeroBitCount)
        let newTrailing = UInt8(delta.trailingZeroBitCount)
        if newLeading >= 32 { newLeading = 31 }
        if leading != 0xff && newLeading >= leading && newTrailing >= trailing {
            writer.write(0b10, bits: 2)
            writer.write(delta &>> UInt64(trailing), bits: 64 - Int(leading) - Int(trailing))
            return
        }
        leading = newLeading
        trailing = newTrailing
        let sig = 64 - Int(newLeading) - Int(newTrailing)
        writer.write(0b11, bits: 2)
        writer.write(UInt64(newLeading), bits: 5)
        writer.write(UInt64(sig & 63), bits: 6)  // 64 is written as 0
        writer.write(delta &>> UInt64(newTrailing), bits: sig)
    }
}

/// Decodes a chunk's samples in time order. A corrupt or truncated chunk ends early with
/// `failed` set (the checksum normally catches corruption before decoding).
struct XORIterator: IteratorProtocol {
    private var reader: BitReader
    private let total: Int
    private var read = 0
    private var t: Int64 = 0
    private var tDelta: Int64 = 0
    private var v: UInt64 = 0
    private var leading: UInt8 = 0xff  // 0xff: no XOR window yet, as in the encoder
    private var trailing: UInt8 = 0
    private let w1: Int
    private let w2: Int
    private(set) var failed = false

    init(bytes: [UInt8]) {
        total = XORChunk.count(of: bytes)
        (w1, w2) = XORChunk.smallBuckets(fine: bytes.first == ChunkEncoding.xorFineTime.rawValue)
        reader = BitReader(bytes: bytes, startByte: XORChunk.headerBytes)
        if bytes.count < XORChunk.headerBytes { failed = true }
    }

    var bitPosition: Int { reader.bitPosition }
    var encoderState: (t: Int64, tDelta: Int64, v: UInt64, leading: UInt8, trailing: UInt8) {
        (t, tDelta, v, leading, trailing)
    }

    @inline(__always)
    mutating func next() -> Sample? {
        guard read < total, !failed else { return nil }
        switch read {
        case 0:
            t = reader.readVarint()
            v = reader.read(bits: 64)
        case 1:
            tDelta = Int64(bitPattern: reader.readUVarint())
            t = t &+ tDelta
            readValue()
        default:
            var dod: Int64 = 0
            if reader.readBit() {
                if !reader.readBit() {
                    dod = signExtend(reader.read(bits: w1), w1)
                } else if !reader.readBit() {
                    dod = signExtend(reader.read(bits: w2), w2)
                } else if !reader.readBit() {
                    dod = signExtend(reader.read(bits: 20), 20)
                } else {
                    dod = Int64(bitPattern: reader.read(bits: 64))
                }
            }
            tDelta = tDelta &+ dod
            t = t &+ tDelta
            readValue()
        }
        if reader.overrun || failed {
            failed = true
            return nil
        }
        read += 1
        return Sample(t: t, v: Double(bitPattern: v))
    }

    @inline(__always)
    private func signExtend(_ x: UInt64, _ n: Int) -> Int64 {
        // Buckets hold [-(2^(n-1)-1), 2^(n-1)]; values above 2^(n-1) are negative.
        let half = UInt64(1) << UInt64(n - 1)
        return x > half ? Int64(bitPattern: x) - Int64(1 << n) : Int64(bitPattern: x)
    }

    @inline(__always)
    private mutating func readValue() {
        guard reader.readBit() else { return }
        if reader.readBit() {
            leading = UInt8(reader.read(bits: 5))
            var sig = UInt8(reader.read(bits: 6))
            if sig == 0 { sig = 64 }
            guard Int(leading) + Int(sig) <= 64 else { failed = true; return }
            trailing = 64 - leading - sig
        } else if leading == 0xff {
            failed = true  // a window reuse before any window was set: corrupt
            return
        }
        let sig = 64 - Int(leading) - Int(trailing)
        v ^= reader.read(bits: sig) &<< UInt64(trailing)
    }
}
