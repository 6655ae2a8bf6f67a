/// A small deterministic random source (SplitMix64), so one printed seed replays a whole run.
///
/// `SystemRandomNumberGenerator` cannot be seeded, and a fuzz failure that cannot be replayed
/// is only half a bug report.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in `0..<n` (`n` > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// True with probability `1/n`.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }
}

/// Byte-level mutations in the style of libFuzzer's `MutationDispatcher`: bit flips, byte
/// insertion and deletion, splicing with another corpus entry, "interesting" bytes and tokens
/// (quotes, braces, NUL, 0xff, huge numbers) and repetition that builds deep nesting or very
/// long labels. Each call applies one to four of them.
struct Mutator {
    /// Tokens a grammar-aware fuzzer would try: delimiters of every format we parse, numbers at
    /// the edge of `Double`/`Int64`, escapes, keywords.
    let dictionary: [[UInt8]]
    /// Largest input the mutator produces; keeps one iteration cheap.
    var maxLength = 64 << 10

    static let interestingBytes: [UInt8] = [0, 0xff, 0x7f, 0x80, 0xc0, 0xe2, 0x22, 0x27, 0x5c, 0x7b, 0x7d, 0x28, 0x29, 0x5b, 0x5d,
                                            0x3d, 0x2c, 0x23, 0x0a, 0x0d, 0x09, 0x20, 0x3a, 0x2d, 0x60, 0x7e, 0x40]

    static let commonTokens: [String] = [
        "\"", "\\", "\\\"", "{", "}", "(", ")", "[", "]", "\n", "\r\n", "\0", "\u{FEFF}", "\u{10FFFF}", "é",
        "1e308", "-1e309", "9223372036854775807", "-9223372036854775808", "18446744073709551616",
        "0x7fffffffffffffff", "NaN", "+Inf", "-Inf", "0.0000000000000000000000001", "1_000",
        "99999999999999999999999999999999999999", "-0", "1e-400",
    ]

    init(extraTokens: [String]) {
        dictionary = (Self.commonTokens + extraTokens).map { Array($0.utf8) }
    }

    /// A mutated copy of `input`; `corpus` supplies splice partners.
    func mutate(_ input: [UInt8], corpus: [[UInt8]], rng: inout SeededRandom) -> [UInt8] {
        var out = input
        for _ in 0..<(1 + rng.below(4)) {
            mutateOnce(&out, corpus: corpus, rng: &rng)
        }
        if out.count > maxLength { out.removeLast(out.count - maxLength) }
        return out
    }

    private func mutateOnce(_ b: inout [UInt8], corpus: [[UInt8]], rng: inout SeededRandom) {
        let at = rng.below(b.count + 1)
        switch rng.below(10) {
        case 0 where !b.isEmpty:  // flip one bit
            let i = rng.below(b.count)
            b[i] ^= 1 << UInt8(rng.below(8))
        case 1 where !b.isEmpty:  // replace a byte with an interesting one
            b[rng.below(b.count)] = Self.interestingBytes[rng.below(Self.interestingBytes.count)]
        case 2:  // insert random bytes
            let n = 1 + rng.below(8)
            b.insert(contentsOf: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
        case 3 where !b.isEmpty:  // delete a run
            let start = rng.below(b.count)
            let n = min(b.count - start, 1 + rng.below(16))
            b.removeSubrange(start..<(start + n))
        case 4, 5:  // insert a dictionary token
            b.insert(contentsOf: dictionary[rng.below(dictionary.count)], at: at)
        case 6 where !corpus.isEmpty:  // splice: our head, another entry's tail
            let other = corpus[rng.below(corpus.count)]
            let from = rng.below(other.count + 1)
            b = Array(b[..<at]) + other[from...]
        case 7 where !b.isEmpty:  // duplicate a slice many times: long labels, deep nesting
            let start = rng.below(b.count)
            let n = min(b.count - start, 1 + rng.below(4))
            let piece = Array(b[start..<(start + n)])
            let times = [2, 16, 256, 4096][rng.below(4)]
            var repeated: [UInt8] = []
            repeated.reserveCapacity(piece.count * times)
            for _ in 0..<times { repeated += piece }
            b.insert(contentsOf: repeated, at: at)
        case 8 where !b.isEmpty:  // copy a slice elsewhere
            let start = rng.below(b.count)
            let n = min(b.count - start, 1 + rng.below(32))
            b.insert(contentsOf: b[start..<(start + n)], at: at)
        case 9 where b.count > 1:  // truncate
            b.removeLast(rng.below(b.count))
        default:
            b.insert(Self.interestingBytes[rng.below(Self.interestingBytes.count)], at: at)
        }
    }
}
