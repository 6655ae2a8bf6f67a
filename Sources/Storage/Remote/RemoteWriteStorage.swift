public import Logging
public import Model

/// A remote_write endpoint as a secondary of `FanoutStorage`. Its appender only signals
/// commits; the queue reads what was committed from the primary `SQLiteStorage` (the source
/// of truth, so nothing waits in memory during an outage) and keeps its progress in the same
/// file. Reads return nothing (remote write is write-only).
public final class RemoteWriteStorage: Storage, Sendable {
    let queue: RemoteWriteQueue

    /// Starts sending what `source` stores.
    public init(options: RemoteWriteOptions, source: SQLiteStorage, logger: Logger = Logger(label: "lantern.remote-write")) {
        queue = RemoteWriteQueue(options: options, source: source, databasePath: source.path, logger: logger)
        queue.start()
    }

    public var options: RemoteWriteOptions { queue.options }

    public func appender() -> any Appender { NotifyingAppender(queue: queue) }

    public func querier(mint: Timestamp, maxt: Timestamp) async throws -> any Querier { EmptyQuerier() }

    /// Stops sending; what is unacknowledged is sent after the next start.
    public func close() async throws { await queue.stop() }

    /// `lantern_remote_storage_*` for /metrics.
    public func collectMetrics() -> [StorageMetric] { queue.metrics.collect(remote: options.name, url: options.url) }
}

/// Wakes the queue on commit; buffers nothing.
struct NotifyingAppender: Appender {
    let queue: RemoteWriteQueue
    mutating func append(_ ref: SeriesRef?, _ labels: Labels, at t: Timestamp, value: Double) throws -> SeriesRef { SeriesRef(0) }
    var discardsSamples: Bool { true }
    func commit() async throws { queue.notify() }
    func rollback() async {}
}

/// A querier with no series.
struct EmptyQuerier: Querier {
    func select(matchers: [Matcher]) async throws -> SeriesSet { SeriesSet() }
    func labelNames(matchers: [Matcher]) async throws -> [String] { [] }
    func labelValues(name: String, matchers: [Matcher]) async throws -> [String] { [] }
    func close() async {}
}
