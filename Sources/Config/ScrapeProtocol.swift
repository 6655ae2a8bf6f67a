/// An exposition format a scrape may ask for in its `Accept` header, by Prometheus's names.
///
/// The order of a job's `scrape_protocols` is the order of preference sent to targets.
public enum ScrapeProtocol: String, Codable, Sendable, CaseIterable {
    case prometheusProto = "PrometheusProto"
    case prometheusText004 = "PrometheusText0.0.4"
    case prometheusText100 = "PrometheusText1.0.0"
    case openMetricsText001 = "OpenMetricsText0.0.1"
    case openMetricsText100 = "OpenMetricsText1.0.0"

    /// Prometheus's default preference: OpenMetrics first, then the Prometheus text formats.
    public static let defaultProtocols: [ScrapeProtocol] = [.openMetricsText100, .openMetricsText001, .prometheusText100, .prometheusText004]
    /// The default when native histograms are scraped: protobuf first.
    public static let protoFirstProtocols: [ScrapeProtocol] = [.prometheusProto] + defaultProtocols

    /// The media type (with parameters) for the `Accept` header.
    public var headerMediaType: String {
        switch self {
        case .prometheusProto: return "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"
        case .prometheusText004: return "text/plain;version=0.0.4"
        case .prometheusText100: return "text/plain;version=1.0.0"
        case .openMetricsText001: return "application/openmetrics-text;version=0.0.1"
        case .openMetricsText100: return "application/openmetrics-text;version=1.0.0"
        }
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let p = ScrapeProtocol(rawValue: raw) else {
            let supported = ScrapeProtocol.allCases.map(\.rawValue).sorted().joined(separator: " ")
            throw decoder.typeError("unknown scrape protocol \(raw), supported: [\(supported)]")
        }
        self = p
    }

    /// Prometheus's `validateAcceptScrapeProtocols`.
    static func validate(_ list: [ScrapeProtocol], at path: String, context: String) throws(ConfigError) {
        if list.isEmpty { throw .invalid("scrape_protocols cannot be empty \(context)", at: path) }
        if Set(list).count != list.count {
            throw .invalid("duplicated protocol in scrape_protocols, got \(list.map(\.rawValue)) \(context)", at: path)
        }
    }
}

/// How metric names that are not legacy-valid are escaped when a target cannot send UTF-8 names.
public enum NameEscapingScheme: String, Codable, Sendable, CaseIterable {
    case allowUTF8 = "allow-utf-8"
    case underscores
    case dots
    case values

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let s = NameEscapingScheme(rawValue: raw) else {
            throw decoder.typeError("unknown name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got \(quoted(raw))")
        }
        self = s
    }
}
