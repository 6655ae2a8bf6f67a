public import Model

extension ScrapeConfig {
    /// The checks Prometheus runs while decoding a job (`ScrapeConfig.UnmarshalYAML`), run here after
    /// the whole document decoded: job name, HTTP client, discovery blocks, static target addresses.
    mutating func validateOwnFields(at path: String) throws(ConfigError) {
        if jobName.isEmpty { throw .invalid("job_name is empty", at: path) }
        try httpClientConfig.validate(at: path)
        // Targets that look like URLs are a common mistake; with relabel rules the address may be
        // rewritten (blackbox probing), so Prometheus skips the check then.
        if relabelConfigs.isEmpty {
            for (i, group) in staticConfigs.enumerated() {
                for target in group.targets where target.contains("/") {
                    throw .invalid("\(quoted(target)) is not a valid hostname",
                                   at: KeyPath.join(KeyPath.index(KeyPath.join(path, "static_configs"), i), "targets"))
                }
            }
        }
    }

    /// Prometheus's `ScrapeConfig.Validate(global)`: fills inherited values, then checks them.
    mutating func applyGlobal(_ global: GlobalConfig, at path: String) throws(ConfigError) {
        let job = "for scrape config with job name \(quoted(jobName))"
        if scrapeInterval == .zero { scrapeInterval = global.scrapeInterval }
        if scrapeTimeout > scrapeInterval {
            throw .invalid("scrape timeout greater than scrape interval \(job)", at: KeyPath.join(path, "scrape_timeout"))
        }
        if scrapeTimeout == .zero { scrapeTimeout = min(global.scrapeTimeout, scrapeInterval) }
        if bodySizeLimit == .zero { bodySizeLimit = global.bodySizeLimit }
        if sampleLimit == 0 { sampleLimit = global.sampleLimit }
        if targetLimit == 0 { targetLimit = global.targetLimit }
        if labelLimit == 0 { labelLimit = global.labelLimit }
        if labelNameLengthLimit == 0 { labelNameLengthLimit = global.labelNameLengthLimit }
        if labelValueLengthLimit == 0 { labelValueLengthLimit = global.labelValueLengthLimit }
        if keepDroppedTargets == 0 { keepDroppedTargets = global.keepDroppedTargets }
        if scrapeFailureLogFile.isEmpty { scrapeFailureLogFile = global.scrapeFailureLogFile }
        if scrapeNativeHistograms == nil { scrapeNativeHistograms = global.scrapeNativeHistograms }
        if extraScrapeMetrics == nil { extraScrapeMetrics = global.extraScrapeMetrics }
        if scrapeProtocols == nil {
            if let g = global.scrapeProtocols {
                scrapeProtocols = g
            } else {
                scrapeProtocols = scrapeNativeHistograms == true ? ScrapeProtocol.protoFirstProtocols : ScrapeProtocol.defaultProtocols
            }
        }
        try ScrapeProtocol.validate(scrapeProtocols ?? [], at: KeyPath.join(path, "scrape_protocols"), context: job)
        try resolveNameSchemes(global, at: path)
        if convertClassicHistogramsToNHCB == nil { convertClassicHistogramsToNHCB = global.convertClassicHistogramsToNHCB }
        if alwaysScrapeClassicHistograms == nil { alwaysScrapeClassicHistograms = global.alwaysScrapeClassicHistograms }
        let scheme = metricNameValidationScheme ?? .utf8
        for (i, rule) in relabelConfigs.enumerated() {
            try rule.validate(scheme: scheme, at: KeyPath.index(KeyPath.join(path, "relabel_configs"), i))
        }
        for (i, rule) in metricRelabelConfigs.enumerated() {
            try rule.validate(scheme: scheme, at: KeyPath.index(KeyPath.join(path, "metric_relabel_configs"), i))
        }
    }

    /// A job that sets only `legacy` validation escapes with `underscores`; an unset job inherits global.
    private mutating func resolveNameSchemes(_ global: GlobalConfig, at path: String) throws(ConfigError) {
        let localUnset = metricNameValidationScheme == nil
        if localUnset { metricNameValidationScheme = global.metricNameValidationScheme }
        let globalEscaping = global.metricNameEscapingScheme
            ?? (global.metricNameValidationScheme == .legacy ? .underscores : .allowUTF8)
        if metricNameEscapingScheme == nil {
            if localUnset {
                metricNameEscapingScheme = globalEscaping
            } else {
                metricNameEscapingScheme = metricNameValidationScheme == .legacy ? .underscores : .allowUTF8
            }
        }
        if metricNameEscapingScheme == .allowUTF8 && metricNameValidationScheme != .utf8 {
            throw .invalid("utf8 metric names requested but validation scheme is not set to UTF8",
                           at: KeyPath.join(path, "metric_name_escaping_scheme"))
        }
    }

    mutating func resolvePaths(_ resolve: PathResolver) {
        httpClientConfig.resolvePaths(resolve)
        scrapeFailureLogFile = resolve(scrapeFailureLogFile)
        for i in fileSDConfigs.indices { fileSDConfigs[i].files = fileSDConfigs[i].files.map { resolve($0) } }
        for i in kubernetesSDConfigs.indices { kubernetesSDConfigs[i].resolvePaths(resolve) }
        for i in httpSDConfigs.indices { httpSDConfigs[i].httpClientConfig.resolvePaths(resolve) }
    }

    /// Whether native histograms are scraped (after validation).
    public var scrapesNativeHistograms: Bool { scrapeNativeHistograms ?? false }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jobName, forKey: .jobName)
        try c.encode(honorLabels, forKey: .honorLabels)
        try c.encode(honorTimestamps, forKey: .honorTimestamps)
        try c.encode(trackTimestampsStaleness, forKey: .trackTimestampsStaleness)
        if !params.isEmpty { try c.encode(params, forKey: .params) }
        try c.encode(scrapeInterval, forKey: .scrapeInterval)
        try c.encode(scrapeTimeout, forKey: .scrapeTimeout)
        try c.encodeIfPresent(scrapeProtocols, forKey: .scrapeProtocols)
        try c.encodeIfPresent(fallbackScrapeProtocol, forKey: .fallbackScrapeProtocol)
        try c.encodeIfPresent(scrapeNativeHistograms, forKey: .scrapeNativeHistograms)
        try c.encodeIfPresent(alwaysScrapeClassicHistograms, forKey: .alwaysScrapeClassicHistograms)
        try c.encodeIfPresent(convertClassicHistogramsToNHCB, forKey: .convertClassicHistogramsToNHCB)
        try c.encodeIfPresent(extraScrapeMetrics, forKey: .extraScrapeMetrics)
        if !scrapeFailureLogFile.isEmpty { try c.encode(scrapeFailureLogFile, forKey: .scrapeFailureLogFile) }
        try c.encode(metricsPath, forKey: .metricsPath)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(enableCompression, forKey: .enableCompression)
        try c.encode(bodySizeLimit, forKey: .bodySizeLimit)
        try c.encode(sampleLimit, forKey: .sampleLimit)
        try c.encode(targetLimit, forKey: .targetLimit)
        try c.encode(labelLimit, forKey: .labelLimit)
        try c.encode(labelNameLengthLimit, forKey: .labelNameLengthLimit)
        try c.encode(labelValueLengthLimit, forKey: .labelValueLengthLimit)
        try c.encode(nativeHistogramBucketLimit, forKey: .nativeHistogramBucketLimit)
        try c.encode(nativeHistogramMinBucketFactor, forKey: .nativeHistogramMinBucketFactor)
        try c.encode(keepDroppedTargets, forKey: .keepDroppedTargets)
        try c.encodeIfPresent(metricNameValidationScheme, forKey: .metricNameValidationScheme)
        try c.encodeIfPresent(metricNameEscapingScheme, forKey: .metricNameEscapingScheme)
        try httpClientConfig.encode(to: encoder)
        if !staticConfigs.isEmpty { try c.encode(staticConfigs, forKey: .staticConfigs) }
        if !fileSDConfigs.isEmpty { try c.encode(fileSDConfigs, forKey: .fileSDConfigs) }
        if !kubernetesSDConfigs.isEmpty { try c.encode(kubernetesSDConfigs, forKey: .kubernetesSDConfigs) }
        if !httpSDConfigs.isEmpty { try c.encode(httpSDConfigs, forKey: .httpSDConfigs) }
        if !relabelConfigs.isEmpty { try c.encode(relabelConfigs, forKey: .relabelConfigs) }
        if !metricRelabelConfigs.isEmpty { try c.encode(metricRelabelConfigs, forKey: .metricRelabelConfigs) }
    }
}
