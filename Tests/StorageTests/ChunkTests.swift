import Testing
import Model
@testable import Storage

@Suite struct ChunkTests {
    static let specials: [Double] = [
        0, -0.0, 1, -1, .infinity, -.infinity, .nan, StaleNaN.value,
        Double(bitPattern: 0x7ff8_dead_beef_0001), Double(bitPattern: 0xfff0_0000_0000_0001),
        .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.1, 1e300,
    ]

    func roundTrip(_ samples: [Sample], _ encoding: ChunkEncoding = .xorFineTime) -> [Sample] {
        var a = XORAppender(encoding: encoding)
        for s in samples { a.append(t: s.t, bits: s.v.bitPattern) }
        #expect(a.count == samples.count)
        #expect(a.bytes.first == encoding.rawValue)
        return XORChunk.decode(a.bytes)
    }

    @Test func specialValuesRoundTripBitExact() {
        let samples = Self.specials.enumerated().map { Sample(t: Int64($0.offset) * 15_000, v: $0.element) }
        let back = roundTrip(samples)
        #expect(back == samples)
        #expect(back[7].v.isStaleMarker)
        #expect(back[1].v.sign == .minus && back[1].v == 0)
    }

    @Test(arguments: [
        [Int64.min, Int64.min + 1, 0, Int64.max - 1, Int64.max],
        [0, 1, 2, 3, 1_000_000_000_000, 1_000_000_000_001],
        [-5_000_000, -1, 0, 1],
        [1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000, 1_700_000_045_003, 1_700_000_059_998, 1_700_000_075_000],
    ])
    func timestampsRoundTrip(_ ts: [Int64]) {
        let samples = ts.enumerated().map { Sample(t: $0.element, v: Double($0.offset)) }
        #expect(roundTrip(samples) == samples)
        #expect(roundTrip(samples, .xor) == samples)
    }

    @Test func irregularAndRandomRoundTrip() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var t = Int64.random(in: -1 << 50...1 << 50, using: &rng)
            var samples: [Sample] = []
            for _ in 0..<XORChunk.samplesPerChunk {
                // Mix of tiny, medium and huge gaps exercises every delta-of-delta bucket.
                let gap: Int64 = [1, 15_000, 15_000 + Int64.random(in: -70...70), 15_000 + Int64.random(in: -9000...9000),
                                  Int64.random(in: 1...600_000), Int64.random(in: 1...1 << 40)].randomElement()!
                t += gap
                let v: Double = [Double.random(in: -1e6...1e6), Double(Int.random(in: 0...100)), Double(bitPattern: UInt64.random(in: 0...UInt64.max))].randomElement()!
                samples.append(Sample(t: t, v: v))
            }
            #expect(roundTrip(samples) == samples)
            #expect(roundTrip(samples, .xor) == samples)  // Prometheus's buckets, still decoded
        }
    }

    @Test func headStructsStayCompact() {
        // One MemSeries per active series (docs/PERFORMANCE.md: head memory < 1 KiB per series).
        #expect(MemoryLayout<XORAppender>.size <= 48)
        #expect(MemoryLayout<MemSeries>.size <= 96)  // 88 + `storedMaxt` (queries skip the table)
    }

    @Test func legacyXORChunkResumesInItsOwnLayout() {
        var legacy = XORAppender(encoding: .xor)
        var samples: [Sample] = []
        for i in 0..<50 {
            let s = Sample(t: Int64(i) * 15_000 + Int64(i % 5), v: Double(i) * 0.5)
            samples.append(s)
            legacy.append(t: s.t, bits: s.v.bitPattern)
        }
        #expect(legacy.bytes[0] == 0 && legacy.bytes[1] == 50)  // version-1 header: 16-bit count
        var resumed = XORAppender(resuming: Array(legacy.bytes))!
        let more = Sample(t: 50 * 15_000 + 3, v: 7)
        resumed.append(t: more.t, bits: more.v.bitPattern)
        #expect(resumed.bytes[0] == 0)
        #expect(ChunkIterator.decode(resumed.bytes) == samples + [more])
    }

    @Test func fineTimeBucketsAreSmallerForJitter() {
        var fine = XORAppender(), legacy = XORAppender(encoding: .xor)
        for i in 0..<120 {
            let t = Int64(i) * 15_000 + Int64(i * 7 % 5)
            fine.append(t: t, bits: 1.0.bitPattern)
            legacy.append(t: t, bits: 1.0.bitPattern)
        }
        #expect(fine.bytes.count + 60 < legacy.bytes.count)  // 7 bits saved per jittered sample
    }

    @Test func resumingAPartialChunkContinuesIdentically() {
        var full = XORAppender()
        var partial = XORAppender()
        var samples: [Sample] = []
        for i in 0..<100 {
            let s = Sample(t: Int64(i) * 15_000 + Int64(i % 3), v: i % 7 == 0 ? .nan : Double(i) * 1.5)
            samples.append(s)
            full.append(t: s.t, bits: s.v.bitPattern)
            if i < 37 { partial.append(t: s.t, bits: s.v.bitPattern) }
        }
        var resumed = XORAppender(resuming: partial.bytes)!
        #expect(resumed.count == 37)
        for s in samples[37...] { resumed.append(t: s.t, bits: s.v.bitPattern) }
        #expect(resumed.bytes == full.bytes)
        #expect(XORChunk.decode(resumed.bytes) == samples)
    }

    @Test func truncatedChunkStopsWithoutTrapping() {
        var a = XORAppender()
        for i in 0..<50 { a.append(t: Int64(i) * 1000, bits: Double.random(in: 0...1).bitPattern) }
        let cut = Array(a.bytes.prefix(a.bytes.count / 2))
        var it = XORIterator(bytes: cut)
        var n = 0
        while it.next() != nil { n += 1 }
        #expect(n < 50)
        #expect(it.failed)
        #expect(XORAppender(resuming: cut) == nil)
    }

    @Test func crc32cKnownVector() {
        // RFC 3720 test vector: CRC-32C of "123456789" is 0xE3069283.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test func compressesRegularCounters() {
        var a = XORAppender()
        for i in 0..<120 { a.append(t: 1_700_000_000_000 + Int64(i) * 15_000, bits: Double(i * 3).bitPattern) }
        #expect(a.bytes.count < 2 * 120)
    }
}
