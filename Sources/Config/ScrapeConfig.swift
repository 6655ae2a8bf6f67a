public import Model

/// One scrape job (`scrape_configs[]`): what to scrape, how often, and how to rewrite what comes back.
///
/// After `PrometheusConfig` validation every inherited setting is filled in (interval, timeout,
/// limits, protocols, histogram flags, name validation), so the scrape layer reads values, never
/// falls back to `global` itself. Equal configs mean an unchanged pool on reload.
public struct ScrapeConfig: Codable, Sendable, Equatable {
    public var jobName: String
    public var honorLabels: Bool
    public var honorTimestamps: Bool
    public var trackTimestampsStaleness: Bool
    public var params: [String: [String]]
    /// Zero until validation, then the job's value or the global one.
    public var scrapeInterval: PromDuration
    /// Zero until validation, then the job's value or `min(global timeout, interval)`.
    public var scrapeTimeout: PromDuration
    /// nil until validation; then the job's list, the global list, or the default for the histogram setting.
    public var scrapeProtocols: [ScrapeProtocol]?
    public var fallbackScrapeProtocol: ScrapeProtocol?
    /// nil means "inherit from global" until validation fills it in.
    public var scrapeNativeHistograms: Bool?
    public var alwaysScrapeClassicHistograms: Bool?
    public var convertClassicHistogramsToNHCB: Bool?
    public var extraScrapeMetrics: Bool?
    public var scrapeFailureLogFile: String
    public var metricsPath: String
    public var scheme: String
    public var enableCompression: Bool
    public var bodySizeLimit: ByteSize
    public var sampleLimit: Int
    public var targetLimit: Int
    public var labelLimit: Int
    public var labelNameLengthLimit: Int
    public var labelValueLengthLimit: Int
    public var nativeHistogramBucketLimit: Int
    public var nativeHistogramMinBucketFactor: Double
    public var keepDroppedTargets: Int
    /// nil means "inherit from global" until validation fills it in.
    public var metricNameValidationScheme: NameValidationScheme?
    public var metricNameEscapingScheme: NameEscapingScheme?
    public var httpClientConfig: HTTPClientConfig
    public var staticConfigs: [StaticConfig]
    public var fileSDConfigs: [FileSDConfig]
    public var kubernetesSDConfigs: [KubernetesSDConfig]
    public var httpSDConfigs: [HTTPSDConfig]
    public var relabelConfigs: [RelabelConfig]
    public var metricRelabelConfigs: [RelabelConfig]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case jobName = "job_name", honorLabels = "honor_labels", honorTimestamps = "honor_timestamps"
        case trackTimestampsStaleness = "track_timestamps_staleness", params
        case scrapeInterval = "scrape_interval", scrapeTimeout = "scrape_timeout", scrapeProtocols = "scrape_protocols"
        case fallbackScrapeProtocol = "fallback_scrape_protocol", scrapeNativeHistograms = "scrape_native_histograms"
        case alwaysScrapeClassicHistograms = "always_scrape_classic_histograms"
        case convertClassicHistogramsToNHCB = "convert_classic_histograms_to_nhcb", extraScrapeMetrics = "extra_scrape_metrics"
        case scrapeFailureLogFile = "scrape_failure_log_file", metricsPath = "metrics_path", scheme
        case enableCompression = "enable_compression", bodySizeLimit = "body_size_limit", sampleLimit = "sample_limit"
        case targetLimit = "target_limit", labelLimit = "label_limit", labelNameLengthLimit = "label_name_length_limit"
        case labelValueLengthLimit = "label_value_length_limit"
        case nativeHistogramBucketLimit = "native_histogram_bucket_limit"
        case nativeHistogramMinBucketFactor = "native_histogram_min_bucket_factor"
        case keepDroppedTargets = "keep_dropped_targets", metricNameValidationScheme = "metric_name_validation_scheme"
        case metricNameEscapingScheme = "metric_name_escaping_scheme"
        case staticConfigs = "static_configs", fileSDConfigs = "file_sd_configs"
        case kubernetesSDConfigs = "kubernetes_sd_configs", httpSDConfigs = "http_sd_configs"
        case relabelConfigs = "relabel_configs", metricRelabelConfigs = "metric_relabel_configs"
    }

    /// A job with Prometheus's defaults, scraping `targets` statically. Call
    /// `PrometheusConfig.validate()` (or load through `ConfigLoader`) to fill inherited values.
    public init(jobName: String, targets: [String] = []) {
        self.jobName = jobName
        honorLabels = false; honorTimestamps = true; trackTimestampsStaleness = false; params = [:]
        scrapeInterval = .zero; scrapeTimeout = .zero; scrapeProtocols = nil; fallbackScrapeProtocol = nil
        scrapeNativeHistograms = nil; alwaysScrapeClassicHistograms = nil; convertClassicHistogramsToNHCB = nil
        extraScrapeMetrics = nil; scrapeFailureLogFile = ""; metricsPath = "/metrics"; scheme = "http"
        enableCompression = true; bodySizeLimit = .zero; sampleLimit = 0; targetLimit = 0; labelLimit = 0
        labelNameLengthLimit = 0; labelValueLengthLimit = 0; nativeHistogramBucketLimit = 0
        nativeHistogramMinBucketFactor = 0; keepDroppedTargets = 0; metricNameValidationScheme = nil
        metricNameEscapingScheme = nil; httpClientConfig = HTTPClientConfig()
        staticConfigs = targets.isEmpty ? [] : [StaticConfig(targets: targets)]
        fileSDConfigs = []; kubernetesSDConfigs = []; httpSDConfigs = []; relabelConfigs = []; metricRelabelConfigs = []
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)).union(HTTPClientConfig.keys), type: "ScrapeConfig",
                              unsupported: HTTPClientConfig.unsupportedKeys, discoveryKeys: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(jobName: try c.value(.jobName, ""))
        honorLabels = try c.value(.honorLabels, false)
        honorTimestamps = try c.value(.honorTimestamps, true)
        trackTimestampsStaleness = try c.value(.trackTimestampsStaleness, false)
        params = try c.value(.params, [:])
        scrapeInterval = try c.value(.scrapeInterval, .zero)
        scrapeTimeout = try c.value(.scrapeTimeout, .zero)
        scrapeProtocols = try c.decodeIfPresent([ScrapeProtocol].self, forKey: .scrapeProtocols)
        do {
            fallbackScrapeProtocol = try c.decodeIfPresent(ScrapeProtocol.self, forKey: .fallbackScrapeProtocol)
        } catch var e as ConfigError where e.code == .type {
            e.message = "invalid fallback_scrape_protocol for scrape config with job name \(quoted(jobName)): " + e.message
            throw e
        }
        scrapeNativeHistograms = try c.decodeIfPresent(Bool.self, forKey: .scrapeNativeHistograms)
        alwaysScrapeClassicHistograms = try c.decodeIfPresent(Bool.self, forKey: .alwaysScrapeClassicHistograms)
        convertClassicHistogramsToNHCB = try c.decodeIfPresent(Bool.self, forKey: .convertClassicHistogramsToNHCB)
        extraScrapeMetrics = try c.decodeIfPresent(Bool.self, forKey: .extraScrapeMetrics)
        scrapeFailureLogFile = try c.value(.scrapeFailureLogFile, "")
        metricsPath = try c.value(.metricsPath, "/metrics")
        scheme = try c.value(.scheme, "http")
        enableCompression = try c.value(.enableCompression, true)
        bodySizeLimit = try c.value(.bodySizeLimit, .zero)
        sampleLimit = Int(clamping: try c.value(.sampleLimit, UInt64(0)))
        targetLimit = Int(clamping: try c.value(.targetLimit, UInt64(0)))
        labelLimit = Int(clamping: try c.value(.labelLimit, UInt64(0)))
        labelNameLengthLimit = Int(clamping: try c.value(.labelNameLengthLimit, UInt64(0)))
        labelValueLengthLimit = Int(clamping: try c.value(.labelValueLengthLimit, UInt64(0)))
        nativeHistogramBucketLimit = Int(clamping: try c.value(.nativeHistogramBucketLimit, UInt64(0)))
        nativeHistogramMinBucketFactor = try c.value(.nativeHistogramMinBucketFactor, 0.0)
        keepDroppedTargets = Int(clamping: try c.value(.keepDroppedTargets, UInt64(0)))
        metricNameValidationScheme = try NameValidationScheme.decodeSetting(c, .metricNameValidationScheme)
        metricNameEscapingScheme = try c.decodeIfPresent(NameEscapingScheme.self, forKey: .metricNameEscapingScheme)
        httpClientConfig = try HTTPClientConfig(from: decoder, enableHTTP2Default: true)
        staticConfigs = try c.list(.staticConfigs, nullMessage: "empty or null section in static_configs")
        fileSDConfigs = try c.list(.fileSDConfigs, nullMessage: "empty or null section in file_sd_configs")
        kubernetesSDConfigs = try c.list(.kubernetesSDConfigs, nullMessage: "empty or null section in kubernetes_sd_configs")
        httpSDConfigs = try c.list(.httpSDConfigs, nullMessage: "empty or null section in http_sd_configs")
        relabelConfigs = try c.list(.relabelConfigs, nullMessage: "empty or null target relabeling rule in scrape config")
        metricRelabelConfigs = try c.list(.metricRelabelConfigs, nullMessage: "empty or null metric relabeling rule in scrape config")
    }
}
