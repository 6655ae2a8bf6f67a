/// The type a `# TYPE` line declares for a metric family.
///
/// The text format's `untyped` maps to ``unknown``, as in Prometheus (`model.MetricTypeUnknown`).
/// Histograms and summaries are still parsed as plain float series (`_bucket`, `_sum`, …).
public enum MetricType: String, Sendable, Hashable, CaseIterable {
    case counter
    case gauge
    case histogram
    case gaugehistogram
    case summary
    case info
    case stateset
    case unknown

    /// Whether OpenMetrics `_created` samples of this type become start timestamps
    /// (Prometheus `typeRequiresST`).
    var hasStartTimestamp: Bool {
        switch self {
        case .counter, .summary, .histogram: true
        default: false
        }
    }
}
