public import Model

/// One series of a query result: its labels and its samples in time order, restricted to the
/// querier's time range. Holds compressed chunks and decodes lazily while iterating, so a
/// large result stays small in memory. Value type, Sendable; iterate as often as needed.
public struct Series: Sendable {
    public let labels: Labels
    let chunks: [ChunkData]
    let samples: [Sample]
    let merged: [Series]
    let mint: Timestamp
    let maxt: Timestamp
    /// The storage's ref when the series came from an `SQLiteStorage` (remote write keys its progress by it).
    let ref: SeriesRef?

    /// A series backed by plain samples (fakes, remote read, tests). Samples must be in time order.
    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
        chunks = []
        merged = []
        mint = .min
        maxt = .max
        ref = nil
    }

    init(labels: Labels, chunks: [ChunkData], mint: Timestamp, maxt: Timestamp, ref: SeriesRef? = nil) {
        self.labels = labels
        self.chunks = chunks
        samples = []
        merged = []
        self.mint = mint
        self.maxt = maxt
        self.ref = ref
    }

    /// Several sources of the same series, merged by time; at equal times the first wins.
    init(labels: Labels, merging: [Series]) {
        self.labels = labels
        merged = merging
        chunks = []
        samples = []
        mint = .min
        maxt = .max
        ref = nil
    }

    /// An iterator over (t, v) in time order.
    public func makeIterator() -> SeriesIterator { SeriesIterator(self) }

    /// The newest sample with `mint <= t <= maxt`: what an instant selector reads. Walks the
    /// chunks newest first and decodes only those that can hold it (a query at one instant over
    /// a 5 m lookback then decodes one chunk per series, not five minutes of them).
    public func latestSample(mint: Timestamp, maxt: Timestamp) -> Sample? {
        let lo = Swift.max(mint, self.mint), hi = Swift.min(maxt, self.maxt)
        guard lo <= hi else { return nil }
        guard merged.isEmpty, !chunks.isEmpty else {
            var it = makeIterator()
            var best: Sample?
            while let p = it.next(), p.t <= hi { if p.t >= lo { best = p } }
            return best
        }
        for c in chunks.reversed() {
            if c.mint > hi { continue }
            if c.maxt < lo { return nil }
            var it = ChunkIterator(bytes: c.bytes)
            var best: Sample?
            while let p = it.next(), p.t <= hi { if p.t >= lo { best = p } }
            if let best { return best }
        }
        return nil
    }

    /// All samples, decoded (convenience for small results and tests).
    public func allSamples() -> [Sample] {
        var it = makeIterator()
        var out: [Sample] = []
        while let s = it.next() { out.append(s) }
        return out
    }
}

/// A compressed chunk as a query carries it: the blob (any `ChunkEncoding`) and its time bounds.
struct ChunkData: Sendable {
    let bytes: [UInt8]
    let mint: Timestamp
    let maxt: Timestamp
}

/// Walks one `Series` in time order. Plain fields rather than an enum with payloads, so
/// `next()` mutates in place without copying (and retaining) the decoder on every sample.
public struct SeriesIterator: IteratorProtocol {
    private let chunks: [ChunkData]
    private var chunkIndex = 0
    private var current: ChunkIterator?
    private let samples: [Sample]
    private var sampleIndex = 0
    private var children: [SeriesIterator]
    private var heads: [Sample?]
    private let mint: Timestamp
    private let maxt: Timestamp
    private let mode: UInt8  // 0 chunks, 1 samples, 2 merged

    init(_ s: Series) {
        chunks = s.chunks
        samples = s.samples
        mint = s.mint
        maxt = s.maxt
        children = s.merged.map { $0.makeIterator() }
        heads = []
        mode = !s.merged.isEmpty ? 2 : (s.chunks.isEmpty ? 1 : 0)
        if mode == 2 {
            heads = children.indices.map { children[$0].next() }
        }
    }

    public mutating func next() -> Sample? {
        switch mode {
        case 0: return nextFromChunks()
        case 1:
            guard sampleIndex < samples.count else { return nil }
            sampleIndex += 1
            return samples[sampleIndex - 1]
        default: return nextMerged()
        }
    }

    @inline(__always)
    private mutating func nextFromChunks() -> Sample? {
        while true {
            if current != nil {
                while let s = current!.next() {
                    if s.t < mint { continue }
                    if s.t > maxt { chunkIndex = chunks.count; current = nil; return nil }
                    return s
                }
                current = nil
            }
            guard chunkIndex < chunks.count else { return nil }
            current = ChunkIterator(bytes: chunks[chunkIndex].bytes)
            chunkIndex += 1
        }
    }

    private mutating func nextMerged() -> Sample? {
        var best = -1
        for i in heads.indices {
            guard let h = heads[i] else { continue }
            if best < 0 || h.t < heads[best]!.t { best = i }
        }
        guard best >= 0 else { return nil }
        let out = heads[best]!
        for i in heads.indices where heads[i]?.t == out.t {
            heads[i] = children[i].next()
        }
        return out
    }
}
