public import Model
public import Storage

/// A querier over series already in memory (a PromQL result being exported), so
/// `SeriesExporter` writes query results the same way as stored series. Matchers filter;
/// there is no time filter.
public struct MemoryQuerier: Querier {
    let series: [Series]

    /// Series sorted by labels by the querier.
    public init(series: [Series]) { self.series = series.sorted { $0.labels < $1.labels } }

    public func select(matchers: [Matcher]) async throws -> SeriesSet {
        SeriesSet(series: series.filter { matchers.matches($0.labels) })
    }

    public func labelNames(matchers: [Matcher]) async throws -> [String] {
        Array(Set(series.filter { matchers.matches($0.labels) }.flatMap { $0.labels.map(\.name) })).sorted()
    }

    public func labelValues(name: String, matchers: [Matcher]) async throws -> [String] {
        Array(Set(series.filter { matchers.matches($0.labels) }.compactMap { $0.labels[name] })).sorted()
    }

    public func close() async {}
}

/// Lets the synchronous PromQL engine read an async `Queryable`: each `select` opens a
/// querier for its range and waits for it. Call the engine from a thread of its own (never
/// from Swift's cooperative pool, which the wait would block).
public final class BlockingSeriesSource: SeriesSource, @unchecked Sendable {  // used by one engine thread
    let storage: any Queryable

    public init(storage: any Queryable) { self.storage = storage }

    public func select(matchers: [Matcher], mint: Timestamp, maxt: Timestamp) throws -> [StoredSeries] {
        let box = ResultBox()
        let done = DispatchSemaphoreLite()
        let storage = self.storage
        Task.detached {
            do {
                let q = try await storage.querier(mint: mint, maxt: maxt)
                let set = try await q.select(matchers: matchers)
                await q.close()
                box.result = .success(set.series.map { StoredSeries(labels: $0.labels, samples: $0.allSamples()) })
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    private final class ResultBox: @unchecked Sendable { var result: Result<[StoredSeries], any Error>? }
}

import Dispatch

/// A one-shot semaphore (Dispatch's, wrapped to keep the import local).
final class DispatchSemaphoreLite: @unchecked Sendable {
    private let s = DispatchSemaphore(value: 0)
    func signal() { s.signal() }
    func wait() { s.wait() }
}
