public import Model

/// A series' identity inside one storage, handed out by `Appender.append` so later appends
/// to the same series skip the label lookup (Prometheus's `storage.SeriesRef`).
///
/// A ref is a hint, not a key: it is only meaningful to the storage that returned it, and
/// a storage that does not know it (or knows it for other labels) falls back to the labels.
public struct SeriesRef: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: SeriesRef, rhs: SeriesRef) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "\(rawValue)" }
}

/// A batch of writes, owned by the one task that created it (not Sendable, not shared).
///
/// Contract (as Prometheus's `storage.Appender`): `append` only buffers and validates in
/// memory and never touches disk; call `commit()` or `rollback()` exactly once, then drop
/// the appender. `commit()` returns only when the whole batch is durable; `rollback()`
/// leaves no trace. A rejected sample (`AppendError`) is not buffered and does not spoil
/// the rest of the batch.
public protocol Appender {
    /// Buffers one sample.
    /// - Parameters:
    ///   - ref: the value a previous `append` returned for these labels, or nil.
    ///   - labels: the series' identity; used when `ref` is nil or unknown.
    /// - Returns: a reference that makes later appends to the same series cheaper.
    /// - Throws: `AppendError` for out-of-order, duplicate or invalid input.
    mutating func append(_ ref: SeriesRef?, _ labels: Labels, at t: Timestamp, value: Double) throws -> SeriesRef
    /// Buffers one sample of a series known by the `ref` an earlier `append` returned, without
    /// its labels: the scrape path's common case, which then never touches the label set's
    /// memory (one cache miss per sample saved at 100k series).
    /// - Returns: false when this appender cannot take the sample by ref alone (an unknown ref,
    ///   or an appender that needs labels); call `append(_:_:at:value:)` then. Nothing is buffered.
    /// - Throws: `AppendError` as `append(_:_:at:value:)` does.
    mutating func append(known ref: SeriesRef, at t: Timestamp, value: Double) throws -> Bool
    /// True for an appender that drops samples and only acts on commit (remote write's, which
    /// read what the primary committed): a fan-out may then append by the primary's ref alone.
    var discardsSamples: Bool { get }
    /// Makes every buffered sample durable in one transaction.
    /// - Throws: `StorageError` or `SQLiteError` when nothing was written.
    func commit() async throws
    /// Discards every buffered sample.
    func rollback() async
}

extension Appender {
    /// By default an appender needs every sample's labels (test fakes, for instance).
    public mutating func append(known ref: SeriesRef, at t: Timestamp, value: Double) throws -> Bool { false }
    public var discardsSamples: Bool { false }
}

/// Something that accepts writes; safe to share between tasks, each of which takes its own
/// appender.
public protocol Appendable: Sendable {
    /// A new, empty appender. Cheap; take one per scrape or batch.
    func appender() -> any Appender
}

/// Read access to a time range of a storage, frozen at creation (a consistent snapshot:
/// no commit made after `querier(mint:maxt:)` returned is visible, and no sample is seen
/// twice). Safe to call from any task; call `close()` once when done, which releases its
/// read connection. A querier holds old data alive, so keep its lifetime short.
public protocol Querier: Sendable {
    /// The series matching every matcher, sorted by labels, with their samples in
    /// [mint, maxt] of the querier; series without samples in range are left out.
    /// - Throws: on I/O failure. Corrupt chunks are skipped and reported in `warnings`.
    func select(matchers: [Matcher]) async throws -> SeriesSet
    /// `select` for a reader that needs less than every sample (Prometheus's `SelectHints`):
    /// a storage may leave out samples the hints say cannot matter. The default ignores them.
    func select(matchers: [Matcher], hints: SelectHints) async throws -> SeriesSet
    /// Labels of the series matching `matchers` that have data in the querier's range, sorted
    /// and unique:
    /// the series API's answer. A storage that knows each series' time span answers without
    /// reading samples.
    func seriesLabels(matchers: [Matcher]) async throws -> (labels: [Labels], warnings: [String])
    /// Sorted, unique label names of the series matching `matchers` (all series when empty).
    func labelNames(matchers: [Matcher]) async throws -> [String]
    /// Sorted, unique values of label `name` among the series matching `matchers`.
    func labelValues(name: String, matchers: [Matcher]) async throws -> [String]
    /// Releases the snapshot. Further calls throw `StorageError.closed`.
    func close() async
    /// The same series as `select`, handed to `body` in label order at most `batchSize` at a
    /// time; a storage that can loads each batch's chunks only when its turn comes, so an
    /// export of any size holds one batch in memory. `body` runs in the caller's context.
    func forEachBatch(matchers: [Matcher], batchSize: Int, _ body: (SeriesSet) async throws -> Void) async throws
}

/// What a reader will do with `select`'s series, so storage can skip what cannot matter.
public struct SelectHints: Sendable, Equatable {
    /// Set when, at each evaluation time from this one on, the reader takes only the newest
    /// sample at or before that time (instant selectors on a query's steps): a series may then
    /// lack every sample older than its newest one at or before `instantFrom`.
    public var instantFrom: Timestamp?

    public init(instantFrom: Timestamp? = nil) { self.instantFrom = instantFrom }
}

extension Querier {
    /// Default: the hints are ignored.
    public func select(matchers: [Matcher], hints: SelectHints) async throws -> SeriesSet {
        try await select(matchers: matchers)
    }

    /// Default: the labels of `select`'s series.
    public func seriesLabels(matchers: [Matcher]) async throws -> (labels: [Labels], warnings: [String]) {
        let set = try await select(matchers: matchers)
        return (set.series.map(\.labels), set.warnings)
    }

    /// Default: one `select`, then the result in slices (no memory saving).
    public func forEachBatch(matchers: [Matcher], batchSize: Int, _ body: (SeriesSet) async throws -> Void) async throws {
        let all = try await select(matchers: matchers)
        var i = 0
        repeat {
            let end = min(i + max(1, batchSize), all.series.count)
            try await body(SeriesSet(series: Array(all.series[i..<end]), warnings: i == 0 ? all.warnings : []))
            i = end
        } while i < all.series.count
    }
}

/// Something that can be read through queriers.
public protocol Queryable: Sendable {
    /// A querier over samples with `mint <= t <= maxt`.
    func querier(mint: Timestamp, maxt: Timestamp) async throws -> any Querier
    /// `Querier.labelNames` over [mint, maxt]; a storage that can answer from memory skips
    /// the snapshot (the labels API's hot path).
    func labelNames(matchers: [Matcher], mint: Timestamp, maxt: Timestamp) async throws -> [String]
    /// `Querier.labelValues` over [mint, maxt], with the same shortcut.
    func labelValues(name: String, matchers: [Matcher], mint: Timestamp, maxt: Timestamp) async throws -> [String]
    /// About how many series match `matchers`, if the storage can tell at once from memory
    /// (nil otherwise): the HTTP layer keeps small queries on the connection's event loop.
    func estimatedSeries(matching matchers: [Matcher]) -> Int?
    /// Every label name, if the storage has them in memory right now (nil otherwise: ask
    /// `labelNames`). Lets the HTTP layer answer the labels API without leaving the request.
    func labelNamesInMemory() -> [String]?
    /// Every value of label `name`, on the same terms as `labelNamesInMemory`.
    func labelValuesInMemory(name: String) -> [String]?
}

extension Queryable {
    /// Default: unknown.
    public func estimatedSeries(matching matchers: [Matcher]) -> Int? { nil }

    /// Default: not known at once.
    public func labelNamesInMemory() -> [String]? { nil }

    /// Default: not known at once.
    public func labelValuesInMemory(name: String) -> [String]? { nil }

    /// Default: through a querier.
    public func labelNames(matchers: [Matcher], mint: Timestamp, maxt: Timestamp) async throws -> [String] {
        try await withQuerier(mint: mint, maxt: maxt) { try await $0.labelNames(matchers: matchers) }
    }

    /// Default: through a querier.
    public func labelValues(name: String, matchers: [Matcher], mint: Timestamp, maxt: Timestamp) async throws -> [String] {
        try await withQuerier(mint: mint, maxt: maxt) { try await $0.labelValues(name: name, matchers: matchers) }
    }

    /// Runs `body` with a querier over [mint, maxt] and closes it whatever happens.
    public func withQuerier<T: Sendable>(mint: Timestamp, maxt: Timestamp, _ body: (any Querier) async throws -> T) async throws -> T {
        let q = try await querier(mint: mint, maxt: maxt)
        do {
            let result = try await body(q)
            await q.close()
            return result
        } catch {
            await q.close()
            throw error
        }
    }
}

/// A whole time-series store: writes, reads and a lifecycle (Prometheus's `storage.Storage`).
/// Shared by every component of the server; all methods are safe to call concurrently.
public protocol Storage: Appendable, Queryable {
    /// Flushes what it must and releases files. Appenders and queriers fail afterwards.
    func close() async throws
}
