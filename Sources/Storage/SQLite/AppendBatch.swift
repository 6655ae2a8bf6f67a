/// The samples of one appender, as parallel arrays (no per-sample object): refs, times and
/// value bits. Sent from the appender's task to the writer actor at commit.
struct AppendBatch: Sendable {
    var refs: [UInt64] = []
    var ts: [Int64] = []
    var bits: [UInt64] = []

    var count: Int { refs.count }

    mutating func reserve(_ n: Int) {
        refs.reserveCapacity(n)
        ts.reserveCapacity(n)
        bits.reserveCapacity(n)
    }

    @inline(__always)
    mutating func append(_ ref: UInt64, _ t: Int64, _ b: UInt64) {
        refs.append(ref)
        ts.append(t)
        bits.append(b)
    }
}
