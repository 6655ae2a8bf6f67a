public import Model

/// The appender of `SQLiteStorage`: checks each sample against the series' newest committed
/// sample (and the batch's own earlier samples) and buffers it in parallel arrays; only
/// `commit()` talks to the writer actor. Appending through a ref allocates nothing per
/// sample (amortised array growth aside) and takes one uncontended lock.
struct SQLiteAppender: Appender {
    private let storage: SQLiteStorage
    /// Held here, not read through `storage` per sample: each such read is a retain/release.
    private let index: SeriesIndex
    private let metrics: StorageMetrics
    private let writable: Bool
    private var batch = AppendBatch()
    /// Newest time and bits per series appended in this batch.
    private var pending = PendingSamples()

    init(storage: SQLiteStorage) {
        self.storage = storage
        index = storage.index
        metrics = storage.metrics
        writable = storage.writer != nil
        batch.reserve(256)
    }

    mutating func append(_ ref: SeriesRef?, _ labels: Labels, at t: Timestamp, value: Double) throws -> SeriesRef {
        guard writable else { throw AppendError.closed }
        let r: UInt64
        let last: SeriesIndex.Last
        if let ref, let l = index.last(ref: ref.rawValue, labels: labels) {
            r = ref.rawValue
            last = l
        } else {
            do { try AppendError.validate(labels) } catch {
                StorageMetrics.add(metrics.invalidLabels)
                throw error
            }
            (r, last) = index.refOrCreate(labels)
        }
        try take(r, last, t: t, value: value, labels: labels)
        return SeriesRef(r)
    }

    mutating func append(known ref: SeriesRef, at t: Timestamp, value: Double) throws -> Bool {
        guard writable else { throw AppendError.closed }
        let index = self.index
        guard let last = index.last(ref: ref.rawValue) else { return false }
        try take(ref.rawValue, last, t: t, value: value, labels: index.labels(of: ref.rawValue) ?? .empty)
        return true
    }

    /// Checks a sample against the series' newest (committed or buffered) one and buffers it;
    /// `labels` is only evaluated for an error.
    @inline(__always)
    private mutating func take(_ r: UInt64, _ committed: SeriesIndex.Last, t: Timestamp, value: Double, labels: @autoclosure () -> Labels) throws {
        var last = committed
        if let p = pending.last(r) { last = SeriesIndex.Last(t: p.t, bits: p.bits, hasSample: true) }
        let bits = value.bitPattern
        if last.hasSample {
            if t < last.t {
                StorageMetrics.add(metrics.outOfOrder)
                throw AppendError(.outOfOrder, labels: labels(), timestamp: t)
            }
            if t == last.t {
                if bits == last.bits { return }  // same sample again: a no-op, as in Prometheus
                StorageMetrics.add(metrics.duplicates)
                throw AppendError(.duplicateSampleForTimestamp, labels: labels(), timestamp: t)
            }
        }
        pending.set(r, t: t, bits: bits)
        batch.append(r, t, bits)
    }

    func commit() async throws {
        guard let writer = storage.writer else { throw StorageError(.readOnly, "storage is read-only") }
        guard batch.count > 0 else { return }
        try await writer.commit(batch)
    }

    func rollback() async {
        StorageMetrics.add(metrics.rollbacks)
    }
}
