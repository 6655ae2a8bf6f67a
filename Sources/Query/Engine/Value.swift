public import Model

/// One element of an instant vector.
public struct VectorSample: Sendable {
    /// The series' labels.
    public var labels: Labels
    /// The value.
    public var value: Double
    /// Sample timestamp in ms (the evaluation time except for raw selector results in `timestamp()`).
    public var t: Timestamp = 0
    /// Delayed name removal: drop `__name__` when the query finishes.
    var dropName = false
    /// Series identity within one query, or -1. When set, `labels` are those of the selected series
    /// with that id (`Evaluator.series(_:)` numbers every selected series), so per-series work that
    /// depends only on the labels (grouping keys, output series lookup) can be done once per query.
    /// Only selectors and range functions over matrix selectors set it; copies of a sample keep it,
    /// any sample built with new labels starts at -1.
    var sid: Int32 = -1

    /// Creates a sample.
    public init(labels: Labels, value: Double, t: Timestamp = 0) {
        self.labels = labels
        self.value = value
        self.t = t
    }

    init(_ labels: Labels, _ value: Double, dropName: Bool) {
        self.labels = labels
        self.value = value
        self.dropName = dropName
    }
}

/// One series of a range vector (matrix).
public struct RangeSeries: Sendable {
    /// The series' labels.
    public var labels: Labels
    /// Points in increasing time order.
    public var points: [Sample]
    var dropName = false

    /// Creates a series.
    public init(labels: Labels, points: [Sample]) {
        self.labels = labels
        self.points = points
    }
}

/// A query result value, as Prometheus's `parser.Value`.
public enum QueryValue: Sendable {
    /// A scalar at the evaluation time.
    case scalar(Double)
    /// A string.
    case string(String)
    /// An instant vector.
    case vector([VectorSample])
    /// A range vector: range queries, or an instant query of a range selector/subquery.
    case matrix([RangeSeries])

    /// Samples in the value (a scalar counts as one).
    var sampleCount: Int {
        switch self {
        case .scalar: return 1
        case .string: return 0
        case .vector(let v): return v.count
        case .matrix(let m): return m.reduce(0) { $0 + $1.points.count }
        }
    }

    /// The first `limit` series of a vector or matrix, and whether any were cut (the API's `limit`).
    public func truncated(to limit: Int) -> (QueryValue, Bool) {
        switch self {
        case .vector(let v) where v.count > limit: return (.vector(Array(v.prefix(limit))), true)
        case .matrix(let m) where m.count > limit: return (.matrix(Array(m.prefix(limit))), true)
        default: return (self, false)
        }
    }
}

/// A warning or info note about a query, rendered as Prometheus does
/// (`PromQL warning: … (1:7)`).
public struct Annotation: Sendable, Hashable, CustomStringConvertible {
    /// Warning or info.
    public enum Kind: Sendable { case warning, info }
    /// The kind.
    public var kind: Kind
    /// The text without prefix and position.
    public var message: String
    /// Position of the sub-expression it refers to.
    public var position: PositionRange
    /// The query text (to turn the position into line:column).
    var query: String = ""

    public var description: String {
        var e = ParseError(position: position.start, message: "")
        e.query = query
        let (l, c) = e.lineColumn
        return "PromQL \(kind == .warning ? "warning" : "info"): \(message) (\(l):\(c))"
    }
}

/// The outcome of a query: a value and the annotations collected while evaluating it.
public struct QueryResult: Sendable {
    /// The result value.
    public var value: QueryValue
    /// Warnings and infos, deduplicated.
    public var annotations: [Annotation]
    /// Storage warnings (data that could not be read), passed through as plain text.
    public var storageWarnings: [String] = []
    /// Only the warnings.
    public var warnings: [Annotation] { annotations.filter { $0.kind == .warning } }
    /// Only the infos.
    public var infos: [Annotation] { annotations.filter { $0.kind == .info } }
    /// What the query read and held, for the API's `stats` parameter.
    public var stats = QueryStatistics()
}

/// Prometheus's query statistics (`util/stats`): sample counts from the engine, timings from
/// the runner. Rendered by the API only when a request asks for `stats`.
public struct QueryStatistics: Sendable {
    /// Samples read from storage, summed over steps (`totalQueryableSamples`).
    public var totalQueryableSamples: Int64 = 0
    /// The most samples held at once (`peakSamples`).
    public var peakSamples = 0
    /// Seconds waiting for a `--query.max-concurrency` slot (`execQueueTime`).
    public var execQueueTime: Double = 0
    /// Seconds selecting and reading series (`queryPreparationTime`).
    public var queryPreparationTime: Double = 0
    /// Seconds evaluating (`innerEvalTime`).
    public var innerEvalTime: Double = 0
    /// Seconds from start to end of the query (`execTotalTime`).
    public var execTotalTime: Double = 0

    /// Creates empty statistics.
    public init() {}
}

/// A failed query: parse errors, evaluation errors, limits, timeouts.
/// `description` is Prometheus's message (parse errors with their position).
public struct QueryError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable { case parse, execution, tooManySamples, timeout, storage }
    /// The kind of failure.
    public var kind: Kind
    /// The message.
    public var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    static func exec(_ m: String) -> QueryError { QueryError(.execution, m) }

    public var description: String { message }
}
