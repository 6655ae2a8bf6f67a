import CPrefetch

/// Appends bits most-significant first into a growable byte buffer: the storage of an
/// open head chunk (STYLE: chunk bytes in a byte buffer, never arrays of `Sample`).
struct BitWriter: Sendable {
    private(set) var bytes: [UInt8]
    /// Bits written so far (32 bits: a chunk is far below 512 MB, and a head chunk's
    /// appender packs its small fields into the rest of the word).
    private var bits: UInt32
    /// Bits written so far, including any header bytes.
    var bitCount: Int { Int(bits) }

    init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bits = 0
    }

    /// Continues writing after `bitCount` bits of `bytes` (a decoded partial chunk).
    init(bytes: [UInt8], bitCount: Int) {
        self.bytes = Array(bytes.prefix((bitCount + 7) / 8))
        bits = UInt32(bitCount)
    }

    /// Writes the low `n` bits of `value` (n in 0...64).
    @inline(__always)
    mutating func write(_ value: UInt64, bits n: Int) {
        guard n > 0 else { return }
        var v = n == 64 ? value : value << UInt64(64 - n)  // left-align
        var remaining = n
        while remaining > 0 {
            let used = Int(bits & 7)
            if used == 0 { appendZeroByte() }
            let free = 8 - used
            let take = free < remaining ? free : remaining
            let top = UInt8(truncatingIfNeeded: v &>> UInt64(64 - take))
            bytes[bytes.count - 1] |= top &<< UInt8(free - take)
            v = v &<< UInt64(take)
            remaining -= take
            bits &+= UInt32(take)
        }
    }

    /// Where the next write lands, as two addresses for a prefetch hint (see CPrefetch): the
    /// buffer's heap object (its header: refcount, count, capacity) and the byte at `bits`.
    /// Computed from the storage pointer and `bits` alone, as plain integers: reading the
    /// buffer (its count) or retaining it (as any call made while holding it would) waits for
    /// the very miss being hinted, and a retain's atomic keeps the next samples' misses from
    /// overlapping (it cost 10 % of ingest CPU that way). A prefetch never faults, so a stale
    /// address is harmless.
    @inline(__always)
    var writeHint: WriteHint {
        let storage = UInt(bitPattern: unsafeBitCast(bytes, to: Int.self))
        return WriteHint(header: storage, next: storage &+ Self.arrayHeaderBytes &+ UInt(bits >> 3))
    }

    /// Bytes before an array's first element in its heap object (metadata, refcount, count,
    /// capacity) on 64-bit platforms.
    private static let arrayHeaderBytes: UInt = 32

    /// Two addresses to prefetch before appending to a chunk buffer.
    struct WriteHint {
        let header: UInt
        let next: UInt

        /// Issues the prefetches (the second only when it is not on the header's cache line).
        @inline(__always)
        func prefetch() {
            lantern_prefetch_write(UnsafeRawPointer(bitPattern: header))
            if next &- header >= 64 { lantern_prefetch_write(UnsafeRawPointer(bitPattern: next)) }
        }
    }

    /// Drops spare capacity (a chunk rebuilt at load will not grow much more for a while).
    mutating func shrinkToFit() {
        guard bytes.capacity > bytes.count else { return }
        let b = bytes
        bytes = Array(unsafeUninitializedCapacity: b.count) { buf, n in n = buf.initialize(from: b).1 }
    }

    /// Grows by a quarter instead of doubling: an open head chunk grows a byte at a time to
    /// ~100-500 bytes, and doubling would leave up to half of it unused (a quarter keeps the
    /// reallocations per chunk few enough not to show in append throughput).
    @inline(__always)
    private mutating func appendZeroByte() {
        if bytes.count == bytes.capacity, bytes.count >= 64 {
            bytes.reserveCapacity(bytes.count + bytes.count / 4)
        }
        bytes.append(0)
    }

    @inline(__always)
    mutating func writeBit(_ bit: Bool) { write(bit ? 1 : 0, bits: 1) }

    /// Writes a whole byte (bit-aligned or not).
    @inline(__always)
    mutating func writeByte(_ b: UInt8) { write(UInt64(b), bits: 8) }

    /// Overwrites a byte already written (used for the chunk's sample-count header).
    mutating func setByte(_ b: UInt8, at index: Int) { bytes[index] = b }

    /// Unsigned LEB128 varint, byte by byte through the bit stream.
    mutating func writeUVarint(_ x: UInt64) {
        var x = x
        while x >= 0x80 {
            writeByte(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        writeByte(UInt8(x))
    }

    /// Zig-zag signed varint.
    mutating func writeVarint(_ x: Int64) {
        writeUVarint(UInt64(bitPattern: (x << 1) ^ (x >> 63)))
    }
}

/// Reads bits most-significant first from bytes; out-of-range reads set `overrun`
/// instead of trapping, so a corrupt chunk is reported rather than crashing the process.
struct BitReader {
    private let bytes: [UInt8]
    private var position: Int
    private var buffer: UInt64 = 0
    private var valid: Int = 0
    /// Set once a read went past the end of the data.
    private(set) var overrun = false

    init(bytes: [UInt8], startByte: Int = 0) {
        self.bytes = bytes
        position = startByte
    }

    /// Starts reading at an arbitrary bit (the second column of a packed chunk).
    init(bytes: [UInt8], startBit: Int) {
        self.bytes = bytes
        position = max(0, startBit) / 8
        _ = read(bits: max(0, startBit) % 8)
        if position > bytes.count { overrun = true }
    }

    /// Bits consumed since the start of the byte array.
    var bitPosition: Int { position * 8 - valid }

    /// Tops the buffer up to at least 57 valid bits (fewer only at the end of the data): eight
    /// bytes in one unaligned big-endian load when that many remain, else byte by byte.
    @inline(__always)
    private mutating func refill() {
        bytes.withUnsafeBufferPointer { p in
            if position &+ 8 <= p.count {
                let word = UInt64(bigEndian: UnsafeRawPointer(p.baseAddress! + position).loadUnaligned(as: UInt64.self))
                let take = (64 &- valid) >> 3
                buffer |= word &>> UInt64(valid)
                valid &+= take &* 8
                position &+= take
                // Keep only the whole bytes taken; the rest of the word is read again next time.
                if valid < 64 { buffer &= ~(UInt64.max &>> UInt64(valid)) }
                return
            }
            while valid <= 56, position < p.count {
                buffer |= UInt64(p[position]) &<< UInt64(56 - valid)
                position += 1
                valid += 8
            }
        }
    }

    /// Reads `n` bits (0...64) as the low bits of the result.
    @inline(__always)
    mutating func read(bits n: Int) -> UInt64 {
        if n > 56 { return readWide(bits: n) }
        if n == 0 { return 0 }
        if valid < n {
            refill()
            if valid < n {
                overrun = true
                valid = n  // yields zero bits; the caller checks `overrun`
            }
        }
        let r = buffer &>> UInt64(64 - n)
        buffer = buffer &<< UInt64(n)
        valid -= n
        return r
    }

    /// More than 56 bits (a raw 64-bit value): two reads, kept out of line so `read` inlines.
    @inline(never)
    private mutating func readWide(bits n: Int) -> UInt64 {
        let hi = read(bits: n - 32)
        return (hi &<< 32) | read(bits: 32)
    }

    @inline(__always)
    mutating func readBit() -> Bool { read(bits: 1) == 1 }

    mutating func readUVarint() -> UInt64 {
        var x: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 70 {
            let b = read(bits: 8)
            if overrun { return 0 }
            x |= (b & 0x7f) &<< shift
            if b < 0x80 { return x }
            shift += 7
        }
        overrun = true
        return 0
    }

    mutating func readVarint() -> Int64 {
        let u = readUVarint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }
}
