public import Config

/// What the scrape side needs of a `scrape_protocols` entry: which parser reads it and the
/// `Accept` header that asks for it (the protocol names and media types live in Config).
extension ScrapeProtocol {
    /// The parser for bodies of this protocol; nil for protobuf, which Lantern does not parse.
    public var format: ExpositionFormat? {
        switch self {
        case .prometheusProto: nil
        case .prometheusText004, .prometheusText100: .prometheusText
        case .openMetricsText001, .openMetricsText100: .openMetrics
        }
    }

    /// The `Accept` header Prometheus sends for `protocols` (`scrape.acceptHeader`): each
    /// protocol with a falling q-value starting at 0.6, the 1.0.0 text formats with
    /// `escaping=<scheme>`, and `*/*` last.
    /// - Parameters:
    ///   - protocols: the job's `scrape_protocols`, in preference order.
    ///   - escaping: the metric name escaping scheme, `allow-utf-8` or `underscores` (also
    ///     `dots`, `values`).
    public static func acceptHeader(_ protocols: [ScrapeProtocol] = defaultProtocols, escaping: String = "allow-utf-8") -> String {
        var weight = allCases.count + 1
        var values: [String] = []
        for p in protocols {
            var value = p.headerMediaType
            if p == .prometheusText100 || p == .openMetricsText100 { value += ";escaping=" + escaping }
            value += ";q=0.\(weight)"
            values.append(value)
            weight -= 1
        }
        values.append("*/*;q=0.\(weight)")
        return values.joined(separator: ",")
    }
}
