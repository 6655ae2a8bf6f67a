import Testing
import Model
@testable import Storage

@Suite struct PackedChunkTests {
    /// Encodes through the head's path (XOR, then `ChunkEncoding.finish` at cut).
    func cut(_ samples: [Sample]) -> [UInt8] {
        var a = XORAppender()
        for s in samples { a.append(t: s.t, bits: s.v.bitPattern) }
        return ChunkEncoding.finish(xor: a.bytes)
    }

    func check(_ samples: [Sample], packed: Bool? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = cut(samples)
        let back = ChunkIterator.decode(bytes)
        #expect(back == samples, sourceLocation: sourceLocation)  // Sample's == compares bits
        if let packed {
            #expect((bytes.first == ChunkEncoding.packed.rawValue) == packed, sourceLocation: sourceLocation)
        }
    }

    @Test func decimalExponentIsExactOrNil() {
        let cases: [(Double, Int?)] = [
            (0, 0), (1, 0), (-42, 0), (4096 * 12345, 0), (1e15, 0), (0.1, 1), (-0.5, 1), (36.6, 1),
            (0.25, 2), (123_456_789.123, 3), (0.0000153, 7), (1e-18, 18),
            (-0.0, nil), (.nan, nil), (StaleNaN.value, nil), (Double(bitPattern: 0x7ff8_dead_beef_0001), nil),
            (.infinity, nil), (-.infinity, nil), (.leastNonzeroMagnitude, nil), (.leastNormalMagnitude, nil),
            (1e300, nil), (9.5e15, nil), (.greatestFiniteMagnitude, nil),
            // Values whose shortest decimal has up to 16 digits round-trip too (1/3 = 3333333333333333e-16);
            // 0.1 + 0.2 = 0.30000000000000004 needs 17.
            (0.1 + 0.2, nil), (Double.pi, 15), (1.0 / 3.0, 16),
            (Double(bitPattern: 1.0.bitPattern + 1), nil),  // 1.0000000000000002: 17 digits
            (Double(bitPattern: 0.1.bitPattern + 1), nil),  // 0.10000000000000002: not 0.1
            (1e-19, nil),
        ]
        for (v, k) in cases {
            #expect(PackedChunk.decimalExponent(v.bitPattern) == k, "\(v)")
            if let k {
                let m = (v * PackedChunk.powersOfTen[k]).rounded()
                #expect((Double(Int64(m)) / PackedChunk.powersOfTen[k]).bitPattern == v.bitPattern)
            }
        }
    }

    @Test func decimalSeriesArePackedAndRoundTrip() {
        let t0: Int64 = 1_700_000_000_000
        let regular = (0..<120).map { t0 + Int64($0) * 15_000 }
        check(zip(regular, (0..<120).map { Double($0 * 7 + 1_000_000) }).map { Sample(t: $0, v: $1) }, packed: true)
        check(regular.map { Sample(t: $0, v: 1_048_576) }, packed: true)  // constant
        check(zip(regular, (0..<120).map { 20 + Double($0 % 17) / 10 }).map { Sample(t: $0, v: $1) }, packed: true)
        check(zip(regular, (0..<120).map { Double($0 * 4096 * 3) }).map { Sample(t: $0, v: $1) }, packed: true)
        // One -0.0, NaN or staleness marker keeps the whole chunk XOR, bit-exact.
        for special in [-0.0, .nan, StaleNaN.value, .infinity, Double(bitPattern: 0x7ff0_0000_0000_0001), .leastNonzeroMagnitude] {
            var s = zip(regular, (0..<120).map { Double($0) / 4 }).map { Sample(t: $0, v: $1) }
            s[60].v = special
            check(s, packed: false)
        }
    }

    @Test func randomChunksRoundTripBitExact() {
        var rng = SplitMix(seed: 0x5eed)
        for round in 0..<400 {
            let n = 1 + Int(rng.next() % 120)
            let kind = round % 8
            var t = Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)
            var v = Double(Int64(bitPattern: rng.next()) >> 20)
            let k = Int(rng.next() % 10)
            var samples: [Sample] = []
            for _ in 0..<n {
                let gap: Int64 = kind % 2 == 0 ? 15_000 : [1, 15_000 + Int64(rng.next() % 5), Int64(rng.next() % (1 << 40)) + 1][Int(rng.next() % 3)]
                t = t &+ gap
                switch kind {
                case 0, 1:  // counters with random integer steps
                    v += Double(rng.next() % 1000)
                case 2, 3:  // k-decimal random walks
                    let step = Double(Int64(rng.next() % 2001) - 1000) / PackedChunk.powersOfTen[k]
                    v = ((v + step) * PackedChunk.powersOfTen[k]).rounded() / PackedChunk.powersOfTen[k]
                case 4:  // arbitrary bit patterns: NaN payloads, subnormals, huge and tiny
                    v = Double(bitPattern: rng.next())
                case 5:  // decimals that are not exactly representable with few digits
                    v = Double(rng.next() % 1_000_000) / 3 + 0.1
                case 6:  // mixed magnitudes, some specials
                    v = [1e300, -1e-300, 0, 1, 0.1, -0.0, .infinity, StaleNaN.value, 123.456][Int(rng.next() % 9)]
                default:  // near the Int64 and 2^53 limits
                    v = Double([Int64(1) << 53 - 1, -(Int64(1) << 53) + 1, Int64(rng.next() % 100)][Int(rng.next() % 3)])
                }
                samples.append(Sample(t: t, v: v))
            }
            check(samples)
        }
    }

    @Test func extremeTimestampsAndMantissasRoundTrip() {
        let ts: [Int64] = [.min, .min + 1, -1, 0, 1, .max - 1, .max]
        let vs: [Double] = [-9e15 + 1, 9e15 - 1, 0, 1, -1, 8_999_999_999_999_998, 7]
        let bits = vs.map(\.bitPattern)
        let bytes = PackedChunk.encode(ts: ts, bits: bits)!
        #expect(ChunkIterator.decode(bytes) == zip(ts, vs).map { Sample(t: $0, v: $1) })
        // One decimal digit would scale the big mantissas past 2^53: not packable, XOR instead.
        #expect(PackedChunk.encode(ts: [1, 2], bits: [(9e15 - 1).bitPattern, 0.5.bitPattern]) == nil)
        for n in 1...3 {  // one, two and three samples take different column paths
            let b = PackedChunk.encode(ts: Array(ts.prefix(n)), bits: Array(bits.prefix(n)))!
            #expect(ChunkIterator.decode(b) == zip(ts.prefix(n), vs.prefix(n)).map { Sample(t: $0, v: $1) })
        }
    }

    @Test func truncatedOrGarbagePackedChunksFailWithoutTrapping() {
        let samples = (0..<120).map { Sample(t: Int64($0) * 15_000 + Int64($0 % 3), v: Double($0 * $0) / 100) }
        let bytes = cut(samples)
        #expect(bytes.first == ChunkEncoding.packed.rawValue)
        for len in [0, 1, 2, 3, bytes.count / 2, bytes.count - 1] {
            #expect(ChunkIterator.decode(Array(bytes.prefix(len))) == nil || len == 0)
        }
        var rng = SplitMix(seed: 99)
        for _ in 0..<500 {  // random garbage after the packed header byte: any result, no trap
            var g = [ChunkEncoding.packed.rawValue] + (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if g.count > 2 { g[2] = UInt8(rng.next() % 20) }
            _ = ChunkIterator.decode(g)
        }
        #expect(ChunkIterator.decode([7, 1, 2, 3]) == nil)  // unknown encoding
    }

    @Test func mixedEncodingSeriesSurviveReopen() async throws {
        let dir = TempDir()
        let l = Labels(("__name__", "mixed"))
        var want: [Sample] = (0..<300).map { i in
            // chunk 1 decimal (packed), chunk 2 has a staleness marker (XOR), then a partial chunk
            Sample(t: Int64(i) * 15_000, v: i == 200 ? StaleNaN.value : Double(i) / 10)
        }
        var s = try await openStore(dir) { $0.checkpointOnClose = false }
        try await write(s, l, want.map { ($0.t, $0.v) })
        try await s.flushHead()
        let usage = try await s.diskUsage()
        #expect(usage.chunks == 3 && usage.packedChunks == 2)  // the stale-marker chunk is XOR; the full flush packed the partial one
        try await write(s, l, [(300 * 15_000, 30), (301 * 15_000, -0.0)])  // only in write-ahead records
        want += [Sample(t: 300 * 15_000, v: 30), Sample(t: 301 * 15_000, v: -0.0)]
        try await s.close()
        s = try await openStore(dir)
        #expect(try await readAll(s, [])[l] == want)
        try await write(s, l, (302..<400).map { (Int64($0) * 15_000, 0.25) })  // cuts the third chunk
        want += (302..<400).map { Sample(t: Int64($0) * 15_000, v: 0.25) }
        try await s.close()
        s = try await openStore(dir)
        #expect(try await readAll(s, [])[l] == want)
        #expect(try await readAll(s, [], mint: 250 * 15_000, maxt: 310 * 15_000)[l] == Array(want[250...310]))
        try await s.close()
    }
}

/// Deterministic generator for reproducible property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
