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
