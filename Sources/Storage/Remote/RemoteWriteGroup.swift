public import Logging
public import Model
import Synchronization

/// Every configured remote_write queue, as one secondary of `FanoutStorage` whose set of
/// queues changes on reload: `apply` starts new endpoints, stops removed ones and keeps the
/// unchanged ones running (with their progress).
public final class RemoteWriteGroup: Storage, Sendable {
    private let source: SQLiteStorage
    private let logger: Logger
    private let queues = Mutex<[RemoteWriteStorage]>([])

    public init(source: SQLiteStorage, logger: Logger = Logger(label: "lantern.remote-write")) {
        self.source = source
        self.logger = logger
    }

    /// Makes the running queues match `options` (compared by value).
    public func apply(_ options: [RemoteWriteOptions]) async {
        let (keep, stop) = queues.withLock { current -> ([RemoteWriteStorage], [RemoteWriteStorage]) in
            (current.filter { options.contains($0.options) }, current.filter { !options.contains($0.options) })
        }
        for q in stop { try? await q.close() }
        var next = keep
        for o in options where !keep.contains(where: { $0.options == o }) {
            logger.info("Starting remote write queue", metadata: ["remote_name": "\(o.name)", "url": "\(o.url)"])
            next.append(RemoteWriteStorage(options: o, source: source, logger: logger))
        }
        queues.withLock { $0 = next }
    }

    public func appender() -> any Appender {
        GroupAppender(queues: queues.withLock { $0 })
    }

    public func querier(mint: Timestamp, maxt: Timestamp) async throws -> any Querier { EmptyQuerier() }

    public func close() async throws {
        let all = queues.withLock { q -> [RemoteWriteStorage] in defer { q = [] }; return q }
        for q in all { try? await q.close() }
    }

    public func collectMetrics() -> [StorageMetric] { queues.withLock { $0 }.flatMap { $0.collectMetrics() } }
}

/// Signals every queue on commit.
struct GroupAppender: Appender {
    let queues: [RemoteWriteStorage]
    mutating func append(_ ref: SeriesRef?, _ labels: Labels, at t: Timestamp, value: Double) throws -> SeriesRef { SeriesRef(0) }
    var discardsSamples: Bool { true }
    func commit() async throws { for q in queues { q.queue.notify() } }
    func rollback() async {}
}
