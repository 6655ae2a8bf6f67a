/// The head's series by ref, in fixed-size segments that are copy-on-write one by one.
///
/// Every query snapshot shares the writer's head; the writer's next change then has to copy
/// what it touches. With one flat array that was every series (100,000 series: 9 MB and three
/// retains each) on the commit after each query, holding up commits and the next query's
/// snapshot. With segments, a snapshot shares the small outer array and the writer copies only
/// the segments it changes before the next snapshot: a scrape touches one or two.
struct SeriesTable: Sendable {
    /// Series per segment (a power of two): 1,024 × 88 bytes ≈ 90 KB to copy.
    static let segmentShift = 10
    static let segmentSize = 1 << segmentShift
    private static let mask = segmentSize - 1

    private var segments: ContiguousArray<ContiguousArray<MemSeries?>> = []
    /// Slots (refs) the table covers: `0..<count`.
    private(set) var count = 0

    init() {}

    var indices: Range<Int> { 0..<count }

    @inline(__always)
    subscript(i: Int) -> MemSeries? {
        get { segments[i &>> Self.segmentShift][i & Self.mask] }
        _modify { yield &segments[i &>> Self.segmentShift][i & Self.mask] }
    }

    /// Makes slots `0..<n` exist (new ones empty).
    mutating func grow(to n: Int) {
        guard n > count else { return }
        while segments.count * Self.segmentSize < n {
            segments.append(ContiguousArray(repeating: nil, count: Self.segmentSize))
        }
        count = n
    }

    /// Room for `n` slots' segments without regrowing the outer array.
    mutating func reserveCapacity(_ n: Int) {
        segments.reserveCapacity((n + Self.segmentSize - 1) >> Self.segmentShift)
    }
}
