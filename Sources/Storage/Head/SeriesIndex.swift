public import Model
import Synchronization

/// The label-set → ref map that appenders consult synchronously, plus each series' newest
/// committed sample for out-of-order checks. Shared by every appender and the writer, so it
/// sits behind a `Mutex` with tiny critical sections (STYLE §4: Mutex for small hot state);
/// the heavy head state stays inside the writer actor.
///
/// Refs are handed out here on first sight of a label set, before commit; a ref whose
/// batch is rolled back stays reserved here but never reaches the head, the postings or disk.
final class SeriesIndex: Sendable {
    struct Entry: Sendable {
        let labels: Labels
        var lastT: Timestamp = .min
        var lastBits: UInt64 = 0
        var hasSample = false
    }

    struct State: Sendable {
        var byLabels: [Labels: UInt64] = [:]
        var entries: ContiguousArray<Entry?> = [nil]
    }

    /// The newest committed sample of a series, as the appender needs it.
    struct Last {
        var t: Timestamp
        var bits: UInt64
        var hasSample: Bool
    }

    private let state = Mutex(State())

    /// The entry for `ref` if it was made for exactly these labels (cheap when the caller
    /// passes the same `Labels` value: arrays compare by identity first).
    @inline(__always)
    func last(ref: UInt64, labels: Labels) -> Last? {
        state.withLock { s in
            guard ref < UInt64(s.entries.count), let e = s.entries[Int(ref)], e.labels == labels else { return nil }
            return Last(t: e.lastT, bits: e.lastBits, hasSample: e.hasSample)
        }
    }

    /// The entry for `ref`, by ref alone (as Prometheus's head appender trusts a ref: refs are
    /// never reused, so a live ref names the series it was made for). Reads the entry's fields
    /// in place, so the label set's memory is not touched.
    @inline(__always)
    func last(ref: UInt64) -> Last? {
        state.withLock { s in
            let i = Int(truncatingIfNeeded: ref)
            guard ref < UInt64(s.entries.count), s.entries[i] != nil else { return nil }
            return Last(t: s.entries[i]!.lastT, bits: s.entries[i]!.lastBits, hasSample: s.entries[i]!.hasSample)
        }
    }

    /// The ref of `labels`, reserving a new one on first sight.
    func refOrCreate(_ labels: Labels) -> (UInt64, Last) {
        state.withLock { s in
            if let ref = s.byLabels[labels], let e = s.entries[Int(ref)] {
                return (ref, Last(t: e.lastT, bits: e.lastBits, hasSample: e.hasSample))
            }
            let ref = UInt64(s.entries.count)
            s.entries.append(Entry(labels: labels))
            s.byLabels[labels] = ref
            return (ref, Last(t: .min, bits: 0, hasSample: false))
        }
    }

    func labels(of ref: UInt64) -> Labels? {
        state.withLock { s in ref < UInt64(s.entries.count) ? s.entries[Int(ref)]?.labels : nil }
    }

    /// Makes new refs start after `ref`: a series row that could not be loaded keeps its id
    /// (its chunks still name it), so no new series may be given that id.
    func reserve(through ref: UInt64) {
        state.withLock { s in
            if ref >= UInt64(s.entries.count) {
                s.entries.append(contentsOf: repeatElement(nil, count: Int(ref) + 1 - s.entries.count))
            }
        }
    }

    /// Registers a series loaded from disk under its stored id.
    func load(_ ref: UInt64, _ labels: Labels, lastT: Timestamp, lastBits: UInt64, hasSample: Bool) {
        state.withLock { s in
            if ref >= UInt64(s.entries.count) {
                s.entries.append(contentsOf: repeatElement(nil, count: Int(ref) + 1 - s.entries.count))
            }
            s.entries[Int(ref)] = Entry(labels: labels, lastT: lastT, lastBits: lastBits, hasSample: hasSample)
            s.byLabels[labels] = ref
        }
    }

    /// Records the newest committed sample of the series a commit touched (one lock per commit).
    func update(_ refs: UnsafeBufferPointer<UInt64>, _ ts: UnsafeBufferPointer<Int64>, _ bits: UnsafeBufferPointer<UInt64>) {
        state.withLock { s in
            for i in 0..<refs.count {
                let r = Int(refs[i])
                guard r < s.entries.count, s.entries[r] != nil else { continue }
                if !s.entries[r]!.hasSample || ts[i] >= s.entries[r]!.lastT {
                    s.entries[r]!.lastT = ts[i]
                    s.entries[r]!.lastBits = bits[i]
                    s.entries[r]!.hasSample = true
                }
            }
        }
    }

    func remove(_ ref: UInt64) {
        state.withLock { s in
            guard ref < UInt64(s.entries.count), let e = s.entries[Int(ref)] else { return }
            s.byLabels[e.labels] = nil
            s.entries[Int(ref)] = nil
        }
    }

    /// Reserved refs (including those never committed).
    var count: Int { state.withLock { $0.byLabels.count } }
}
