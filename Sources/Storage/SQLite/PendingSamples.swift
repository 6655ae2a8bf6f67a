/// The newest (time, value bits) per series ref appended in one batch, so an appender can
/// reject a second sample of a series within its own batch at `append` time. An open-addressing
/// table with a multiplicative hash: a scrape appends each of its series once, and Swift's
/// `Dictionary` (SipHash, growth from empty) was a profiled per-sample cost of every scrape.
struct PendingSamples {
    /// `ref + 1` per slot; 0 marks an empty slot.
    private var keys: [UInt64] = []
    private var times: [Int64] = []
    private var bits: [UInt64] = []
    private var count = 0
    private var mask = 0

    /// The newest sample appended for `ref` in this batch.
    @inline(__always)
    func last(_ ref: UInt64) -> (t: Int64, bits: UInt64)? {
        guard count > 0 else { return nil }
        var i = slot(ref)
        while true {
            let k = keys[i]
            if k == 0 { return nil }
            if k == ref &+ 1 { return (times[i], bits[i]) }
            i = (i &+ 1) & mask
        }
    }

    /// Records `(t, bits)` as the newest sample of `ref`.
    @inline(__always)
    mutating func set(_ ref: UInt64, t: Int64, bits b: UInt64) {
        if (count &+ 1) &* 2 > keys.count { grow() }
        var i = slot(ref)
        while true {
            let k = keys[i]
            if k == 0 {
                keys[i] = ref &+ 1
                count &+= 1
                break
            }
            if k == ref &+ 1 { break }
            i = (i &+ 1) & mask
        }
        times[i] = t
        bits[i] = b
    }

    @inline(__always)
    private func slot(_ ref: UInt64) -> Int {
        // Fibonacci hashing: the top bits of ref × 2^64/φ spread dense refs over the table.
        Int(truncatingIfNeeded: (ref &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    private mutating func grow() {
        let old = (keys, times, bits)
        let capacity = max(256, keys.count * 2)
        keys = [UInt64](repeating: 0, count: capacity)
        times = [Int64](repeating: 0, count: capacity)
        bits = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        count = 0
        for i in old.0.indices where old.0[i] != 0 {
            set(old.0[i] &- 1, t: old.1[i], bits: old.2[i])
        }
    }
}
