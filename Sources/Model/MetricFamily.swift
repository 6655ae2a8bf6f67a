/// The type of a metric family, as `# TYPE` names it.
public enum MetricType: String, Sendable, Equatable, Hashable, CaseIterable {
    case counter, gauge, histogram, summary, untyped
    case gaugeHistogram = "gaugehistogram"
    case info, stateset, unknown
}

/// One self-metric family with its current samples: what a component reports about itself
/// so the server can render it on `/metrics` (and scrape it into its own storage).
public struct MetricFamily: Sendable, Equatable {
    public var name: String
    public var help: String
    public var type: MetricType
    public var samples: [MetricSample]

    public init(name: String, help: String, type: MetricType, samples: [MetricSample]) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }

    /// A family with one unlabelled sample.
    public init(name: String, help: String, type: MetricType, value: Double) {
        self.init(name: name, help: help, type: type, samples: [MetricSample(value: value)])
    }
}

/// A sample of a `MetricFamily`: labels without `__name__`, an optional name suffix
/// (`_bucket`, `_sum`, `_count` for histograms and summaries) and the value.
public struct MetricSample: Sendable, Equatable {
    public var suffix: String
    public var labels: Labels
    public var value: Double

    public init(suffix: String = "", labels: Labels = .empty, value: Double) {
        self.suffix = suffix
        self.labels = labels
        self.value = value
    }
}
