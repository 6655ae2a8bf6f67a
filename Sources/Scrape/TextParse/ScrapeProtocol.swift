/// A scrape protocol as named in `scrape_protocols` / `fallback_scrape_protocol`
/// (Prometheus `config.ScrapeProtocol`), with the media type it requests.
public enum ScrapeProtocol: String, Sendable, Hashable, CaseIterable, Codable {
    case prometheusProto = "PrometheusProto"
    case prometheusText0_0_4 = "PrometheusText0.0.4"
    case prometheusText1_0_0 = "PrometheusText1.0.0"
    case openMetricsText0_0_1 = "OpenMetricsText0.0.1"
    case openMetricsText1_0_0 = "OpenMetricsText1.0.0"

    /// Prometheus's default `scrape_protocols` (`config.DefaultScrapeProtocols`).
    public static let defaults: [ScrapeProtocol] = [
        .openMetricsText1_0_0, .openMetricsText0_0_1, .prometheusText1_0_0, .prometheusText0_0_4,
    ]

    /// The Accept value for this protocol (`config.ScrapeProtocolsHeaders`).
    public var headerValue: String {
        switch self {
        case .prometheusProto: "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"
        case .prometheusText0_0_4: "text/plain;version=0.0.4"
        case .prometheusText1_0_0: "text/plain;version=1.0.0"
        case .openMetricsText0_0_1: "application/openmetrics-text;version=0.0.1"
        case .openMetricsText1_0_0: "application/openmetrics-text;version=1.0.0"
        }
    }

    /// The parser for bodies of this protocol; nil for protobuf, which Lantern does not parse.
    public var format: ExpositionFormat? {
        switch self {
        case .prometheusProto: nil
        case .prometheusText0_0_4, .prometheusText1_0_0: .prometheusText
        case .openMetricsText0_0_1, .openMetricsText1_0_0: .openMetrics
        }
    }

    /// The `Accept` header Prometheus sends for `protocols` (`scrape.acceptHeader`): each
    /// protocol with a falling q-value starting at 0.6, the 1.0.0 text formats with
    /// `escaping=<scheme>`, and `*/*` last.
    /// - Parameters:
    ///   - protocols: the job's `scrape_protocols`, in preference order.
    ///   - escaping: the metric name escaping scheme, `allow-utf-8` or `underscores` (also
    ///     `dots`, `values`).
    public static func acceptHeader(_ protocols: [ScrapeProtocol] = defaults, escaping: String = "allow-utf-8") -> String {
        var weight = allCases.count + 1
        var values: [String] = []
        for p in protocols {
            var value = p.headerValue
            if p == .prometheusText1_0_0 || p == .openMetricsText1_0_0 { value += ";escaping=" + escaping }
            value += ";q=0.\(weight)"
            values.append(value)
            weight -= 1
        }
        values.append("*/*;q=0.\(weight)")
        return values.joined(separator: ",")
    }
}
