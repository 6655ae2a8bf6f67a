public import Model

extension MetricType {
    /// Whether OpenMetrics `_created` samples of this type become start timestamps
    /// (Prometheus `typeRequiresST`).
    var hasStartTimestamp: Bool {
        switch self {
        case .counter, .summary, .histogram: true
        default: false
        }
    }
}
