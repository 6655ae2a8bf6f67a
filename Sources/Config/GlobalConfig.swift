public import Model

/// The `global` section: defaults every scrape job inherits, plus server-wide settings.
///
/// Defaults are Prometheus's: `scrape_interval: 1m`, `scrape_timeout: min(10s, interval)`,
/// `evaluation_interval: 1m`, UTF-8 name validation. A zero interval counts as unset. Limits of 0
/// mean "unlimited" and are what jobs inherit when they leave theirs at 0.
public struct GlobalConfig: Codable, Sendable, Equatable {
    public var scrapeInterval: PromDuration
    public var scrapeTimeout: PromDuration
    /// nil: jobs choose by their native-histogram setting.
    public var scrapeProtocols: [ScrapeProtocol]?
    public var evaluationInterval: PromDuration
    public var ruleQueryOffset: PromDuration
    public var queryLogFile: String
    public var scrapeFailureLogFile: String
    public var externalLabels: [String: String]
    public var bodySizeLimit: ByteSize
    public var sampleLimit: Int
    public var targetLimit: Int
    public var labelLimit: Int
    public var labelNameLengthLimit: Int
    public var labelValueLengthLimit: Int
    public var keepDroppedTargets: Int
    public var metricNameValidationScheme: NameValidationScheme
    /// nil until validation: `underscores` under legacy validation, else `allow-utf-8`.
    public var metricNameEscapingScheme: NameEscapingScheme?
    public var scrapeNativeHistograms: Bool
    public var convertClassicHistogramsToNHCB: Bool
    public var alwaysScrapeClassicHistograms: Bool
    public var extraScrapeMetrics: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scrapeInterval = "scrape_interval", scrapeTimeout = "scrape_timeout", scrapeProtocols = "scrape_protocols"
        case evaluationInterval = "evaluation_interval", ruleQueryOffset = "rule_query_offset"
        case queryLogFile = "query_log_file", scrapeFailureLogFile = "scrape_failure_log_file"
        case externalLabels = "external_labels", bodySizeLimit = "body_size_limit", sampleLimit = "sample_limit"
        case targetLimit = "target_limit", labelLimit = "label_limit", labelNameLengthLimit = "label_name_length_limit"
        case labelValueLengthLimit = "label_value_length_limit", keepDroppedTargets = "keep_dropped_targets"
        case metricNameValidationScheme = "metric_name_validation_scheme"
        case metricNameEscapingScheme = "metric_name_escaping_scheme"
        case scrapeNativeHistograms = "scrape_native_histograms"
        case convertClassicHistogramsToNHCB = "convert_classic_histograms_to_nhcb"
        case alwaysScrapeClassicHistograms = "always_scrape_classic_histograms", extraScrapeMetrics = "extra_scrape_metrics"
    }

    public static let defaultScrapeInterval = PromDuration.minutes(1)
    public static let defaultScrapeTimeout = PromDuration.seconds(10)
    public static let defaultEvaluationInterval = PromDuration.minutes(1)

    /// Prometheus's defaults (already validated).
    public init() {
        scrapeInterval = Self.defaultScrapeInterval; scrapeTimeout = Self.defaultScrapeTimeout; scrapeProtocols = nil
        evaluationInterval = Self.defaultEvaluationInterval; ruleQueryOffset = .zero; queryLogFile = ""
        scrapeFailureLogFile = ""; externalLabels = [:]; bodySizeLimit = .zero; sampleLimit = 0; targetLimit = 0
        labelLimit = 0; labelNameLengthLimit = 0; labelValueLengthLimit = 0; keepDroppedTargets = 0
        metricNameValidationScheme = .utf8; metricNameEscapingScheme = .allowUTF8; scrapeNativeHistograms = false
        convertClassicHistogramsToNHCB = false; alwaysScrapeClassicHistograms = false; extraScrapeMetrics = false
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "GlobalConfig")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        scrapeInterval = try c.value(.scrapeInterval, .zero)
        scrapeTimeout = try c.value(.scrapeTimeout, .zero)
        scrapeProtocols = try c.decodeIfPresent([ScrapeProtocol].self, forKey: .scrapeProtocols)
        evaluationInterval = try c.value(.evaluationInterval, .zero)
        ruleQueryOffset = try c.value(.ruleQueryOffset, .zero)
        queryLogFile = try c.value(.queryLogFile, "")
        scrapeFailureLogFile = try c.value(.scrapeFailureLogFile, "")
        externalLabels = try c.value(.externalLabels, [:])
        bodySizeLimit = try c.value(.bodySizeLimit, .zero)
        sampleLimit = Int(clamping: try c.value(.sampleLimit, UInt64(0)))
        targetLimit = Int(clamping: try c.value(.targetLimit, UInt64(0)))
        labelLimit = Int(clamping: try c.value(.labelLimit, UInt64(0)))
        labelNameLengthLimit = Int(clamping: try c.value(.labelNameLengthLimit, UInt64(0)))
        labelValueLengthLimit = Int(clamping: try c.value(.labelValueLengthLimit, UInt64(0)))
        keepDroppedTargets = Int(clamping: try c.value(.keepDroppedTargets, UInt64(0)))
        metricNameValidationScheme = try NameValidationScheme.decodeSetting(c, .metricNameValidationScheme) ?? .utf8
        metricNameEscapingScheme = try c.decodeIfPresent(NameEscapingScheme.self, forKey: .metricNameEscapingScheme)
        scrapeNativeHistograms = try c.value(.scrapeNativeHistograms, false)
        convertClassicHistogramsToNHCB = try c.value(.convertClassicHistogramsToNHCB, false)
        alwaysScrapeClassicHistograms = try c.value(.alwaysScrapeClassicHistograms, false)
        extraScrapeMetrics = try c.value(.extraScrapeMetrics, false)
    }

    /// Prometheus's `GlobalConfig.UnmarshalYAML` checks and defaults.
    mutating func validate(at path: String) throws(ConfigError) {
        try LabelSetValidation.validate(externalLabels, scheme: metricNameValidationScheme, at: KeyPath.join(path, "external_labels"))
        if scrapeInterval == .zero { scrapeInterval = Self.defaultScrapeInterval }
        if scrapeTimeout > scrapeInterval {
            throw .invalid("global scrape timeout greater than scrape interval", at: KeyPath.join(path, "scrape_timeout"))
        }
        if scrapeTimeout == .zero { scrapeTimeout = min(Self.defaultScrapeTimeout, scrapeInterval) }
        if evaluationInterval == .zero { evaluationInterval = Self.defaultEvaluationInterval }
        if let list = scrapeProtocols {
            try ScrapeProtocol.validate(list, at: KeyPath.join(path, "scrape_protocols"), context: "for global config")
        }
    }

    /// Fills the escaping scheme once every job has derived its own from the unset value.
    mutating func resolveEscaping() {
        if metricNameEscapingScheme == nil {
            metricNameEscapingScheme = metricNameValidationScheme == .legacy ? .underscores : .allowUTF8
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scrapeInterval, forKey: .scrapeInterval)
        try c.encode(scrapeTimeout, forKey: .scrapeTimeout)
        try c.encodeIfPresent(scrapeProtocols, forKey: .scrapeProtocols)
        try c.encode(evaluationInterval, forKey: .evaluationInterval)
        try c.encode(ruleQueryOffset, forKey: .ruleQueryOffset)
        if !queryLogFile.isEmpty { try c.encode(queryLogFile, forKey: .queryLogFile) }
        if !scrapeFailureLogFile.isEmpty { try c.encode(scrapeFailureLogFile, forKey: .scrapeFailureLogFile) }
        try c.encode(externalLabels, forKey: .externalLabels)
        try c.encode(bodySizeLimit, forKey: .bodySizeLimit)
        try c.encode(sampleLimit, forKey: .sampleLimit)
        try c.encode(targetLimit, forKey: .targetLimit)
        try c.encode(labelLimit, forKey: .labelLimit)
        try c.encode(labelNameLengthLimit, forKey: .labelNameLengthLimit)
        try c.encode(labelValueLengthLimit, forKey: .labelValueLengthLimit)
        try c.encode(keepDroppedTargets, forKey: .keepDroppedTargets)
        try c.encode(metricNameValidationScheme, forKey: .metricNameValidationScheme)
        try c.encodeIfPresent(metricNameEscapingScheme, forKey: .metricNameEscapingScheme)
        try c.encode(scrapeNativeHistograms, forKey: .scrapeNativeHistograms)
        try c.encode(convertClassicHistogramsToNHCB, forKey: .convertClassicHistogramsToNHCB)
        try c.encode(alwaysScrapeClassicHistograms, forKey: .alwaysScrapeClassicHistograms)
        try c.encode(extraScrapeMetrics, forKey: .extraScrapeMetrics)
    }
}
