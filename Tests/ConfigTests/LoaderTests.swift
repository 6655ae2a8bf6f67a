import Foundation
import Testing
import Model
@testable import Config

/// Parses `yaml` as if it were `/etc/lantern/prometheus.yml`.
private func load(_ yaml: String) throws(ConfigError) -> PrometheusConfig {
    try ConfigLoader.parse(yaml: yaml, baseDirectory: "/etc/lantern", source: "prometheus.yml")
}

/// The error `yaml` fails with, or nil when it loads.
private func failure(_ yaml: String) -> ConfigError? {
    do { _ = try load(yaml); return nil } catch { return error }
}

@Suite struct DefaultsTests {
    @Test func emptyDocumentHasPrometheusDefaults() throws {
        let c = try load("")
        #expect(c.global.scrapeInterval == .minutes(1))
        #expect(c.global.scrapeTimeout == .seconds(10))
        #expect(c.global.evaluationInterval == .minutes(1))
        #expect(c.global.metricNameValidationScheme == .utf8)
        #expect(c.global.metricNameEscapingScheme == .allowUTF8)
        #expect(c.scrapeConfigs.isEmpty && c.remoteWrite.isEmpty && c.remoteRead.isEmpty)
    }

    @Test func jobInheritsAndClamps() throws {
        let c = try load("""
            global: {scrape_interval: 1m, scrape_timeout: 3s, sample_limit: 10, body_size_limit: 1MB}
            scrape_configs:
              - job_name: fast
                scrape_interval: 2s
              - job_name: own
                sample_limit: 5
            """)
        let fast = c.scrapeConfigs[0], own = c.scrapeConfigs[1]
        #expect(fast.scrapeTimeout == .seconds(2))
        #expect(fast.sampleLimit == 10 && own.sampleLimit == 5)
        #expect(fast.bodySizeLimit.bytes == 1 << 20)
        #expect(own.scrapeInterval == .minutes(1) && own.scrapeTimeout == .seconds(3))
        #expect(fast.metricsPath == "/metrics" && fast.scheme == "http" && fast.honorTimestamps && fast.enableCompression)
        #expect(fast.scrapeProtocols == ScrapeProtocol.defaultProtocols)
        #expect(fast.httpClientConfig.followRedirects && fast.httpClientConfig.enableHTTP2)
    }

    @Test func globalTimeoutClampedToShortInterval() throws {
        let c = try load("global: {scrape_interval: 5s}")
        #expect(c.global.scrapeTimeout == .seconds(5))
    }

    @Test func relabelDefaultsAndExplicitEmptyValues() throws {
        let c = try load("""
            scrape_configs:
              - job_name: a
                relabel_configs:
                  - target_label: x
                  - {target_label: y, separator: "", regex: null, replacement: ""}
            """)
        let r = c.scrapeConfigs[0].relabelConfigs
        #expect(r[0] == RelabelConfig(targetLabel: "x"))
        #expect(r[1].separator == "" && r[1].regex == "" && r[1].replacement == "")
    }

    @Test func remoteWriteDefaultsDisableHTTP2() throws {
        let c = try load("remote_write: [{url: 'http://r/api/v1/write'}]\nremote_read: [{url: 'http://r/read'}]")
        #expect(c.remoteWrite[0].httpClientConfig.enableHTTP2 == false)
        #expect(c.remoteWrite[0].queueConfig == QueueConfig())
        #expect(c.remoteRead[0].httpClientConfig.enableHTTP2)
        #expect(c.remoteRead[0].remoteTimeout == .minutes(1) && c.remoteRead[0].filterExternalLabels)
    }

    @Test func bearerTokenFileBecomesAuthorizationAndResolvesPath() throws {
        let c = try load("scrape_configs: [{job_name: a, bearer_token_file: secrets/token}]")
        let auth = try #require(c.scrapeConfigs[0].httpClientConfig.authorization)
        #expect(auth.type == "Bearer")
        #expect(auth.credentialsFile == "/etc/lantern/secrets/token")
    }

    @Test func embeddedDefaultScrapesItself() {
        let c = PrometheusConfig.embeddedDefault
        #expect(c.global.scrapeInterval == .seconds(15))
        #expect(c.scrapeConfigs.map(\.jobName) == ["lantern"])
        #expect(c.scrapeConfigs[0].staticConfigs[0].targets == ["127.0.0.1:9090"])
    }

    @Test func yaml11Typing() throws {
        let c = try load("""
            global: {external_labels: {replica: 1, primary: yes, ratio: 0.5}}
            scrape_configs: [{job_name: 123, honor_labels: on, enable_compression: off}]
            """)
        #expect(c.global.externalLabels == ["replica": "1", "primary": "yes", "ratio": "0.5"])
        #expect(c.scrapeConfigs[0].jobName == "123")
        #expect(c.scrapeConfigs[0].honorLabels && !c.scrapeConfigs[0].enableCompression)
        #expect(failure("scrape_configs: [{job_name: a, honor_labels: 'true'}]")?.code == .type)
    }

    @Test func mergeKeys() throws {
        let c = try load("""
            x: &defaults {scrape_interval: 30s, metrics_path: /m}
            """.replacingOccurrences(of: "x:", with: "scrape_configs:\n  - job_name: a\n    <<:") )
        #expect(c.scrapeConfigs[0].scrapeInterval == .seconds(30) && c.scrapeConfigs[0].metricsPath == "/m")
    }
}

@Suite struct ErrorMessageTests {
    @Test func unknownFieldNamesFieldTypeAndLine() throws {
        let e = try #require(failure("""
            global:
              scrape_interval: 15s
            scrape_configs:
              - job_name: a
                foo: 1
            """))
        #expect(e.code == .unknownField)
        #expect(e.line == 5)
        #expect(e.keyPath == "scrape_configs[0]")
        #expect(e.description == #"prometheus.yml:5: scrape_configs[0]: field "foo" not found in type ScrapeConfig"#)
    }

    @Test func typeErrorNamesKeyPathAndLine() throws {
        let e = try #require(failure("global:\n  sample_limit: -1\n"))
        #expect(e.code == .type && e.line == 2 && e.keyPath == "global.sample_limit")
    }

    @Test func validationErrorGetsLineFromKeyPath() throws {
        let e = try #require(failure("""
            scrape_configs:
              - job_name: a
                relabel_configs:
                  - action: hashmod
                    target_label: x
            """))
        #expect(e.keyPath == "scrape_configs[0].relabel_configs[0]")
        #expect(e.line == 4)
        #expect(e.message.contains("hashmod requires non-zero modulus"))
    }

    @Test func unsupportedIsNotUnknown() throws {
        #expect(failure("scrape_configs: [{job_name: a, ec2_sd_configs: []}]")?.code == .unsupported)
        #expect(failure("scrape_configs: [{job_name: a, ec2_sd_config: []}]")?.code == .unknownField)
        #expect(failure("tracing: {endpoint: x}")?.code == .unsupported)
        let e = try #require(failure("remote_write: [{url: 'http://x', sigv4: {region: eu}}]"))
        #expect(e.description.contains("sigv4 is not supported"))
    }

    @Test func decodingErrorWinsOverMissingJobName() throws {
        let e = try #require(failure("scrape_configs: [{scrape_interval: 10}]"))
        #expect(e.message.contains("not a valid duration"))
    }

    @Test func syntaxAndDuplicateKeysGiveLines() throws {
        #expect(failure("a: [\n  - b")?.code == .syntax)
        let dup = try #require(failure("global:\n  scrape_interval: 1s\n  scrape_interval: 2s\n"))
        #expect(dup.code == .duplicateKey && dup.description.contains("scrape_interval") && dup.line != nil)
    }
}

@Suite struct RelabelValidationTests {
    private func check(_ rule: String, legacy: Bool = false) -> String? {
        let scheme = legacy ? "\n    metric_name_validation_scheme: legacy" : ""
        return failure("scrape_configs:\n  - job_name: a\(scheme)\n    relabel_configs:\n      - \(rule)\n")?.message
    }

    @Test func actions() {
        #expect(check("{action: Replace, target_label: x}") == nil)  // case-insensitive action names
        #expect(check("{action: copy}")?.contains("unknown relabel action") == true)
        #expect(check("{action: labelmap, replacement: ''}")?.contains("invalid 'replacement'") == true)
        #expect(check("{action: labeldrop, regex: x, separator: ','}")?.contains("requires only 'regex'") == true)
        #expect(check("{action: keepequal, target_label: x, regex: y}")?.contains("requires only 'source_labels'") == true)
        #expect(check("{action: lowercase, target_label: x, replacement: y}")?.contains("'replacement' can not be set") == true)
        #expect(check("{action: hashmod, target_label: x, modulus: 2}") == nil)
    }

    @Test func legacyNames() {
        #expect(check("{target_label: my-label}", legacy: true)?.contains("invalid 'target_label'") == true)
        #expect(check("{target_label: my-label}") == nil)
        #expect(check("{target_label: 'x_${1}'}", legacy: true) == nil)
        #expect(check("{action: labelmap, regex: 'a_(.+)', replacement: 'b_$1'}", legacy: true) == nil)
    }

    @Test func re2Only() {
        #expect(check("{target_label: x, regex: 'a(?=b)'}")?.contains("error parsing regexp") == true)
        #expect(check("{target_label: x, regex: '(?P<n>a)(?i)b\\pL+'}") == nil)
        #expect(check("{target_label: x, regex: 'a(?<=b)'}")?.contains("error parsing regexp") == true)
    }
}

@Suite struct CheckerTests {
    @Test func reportsMissingReferencedFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "t".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("prometheus.yml")
        try """
            rule_files: [missing.rules.yml, "rules/*.yml"]
            scrape_configs:
              - job_name: a
                authorization: {credentials_file: token}
                tls_config: {ca_file: ca.crt}
            """.write(to: file, atomically: true, encoding: .utf8)
        let problems = ConfigChecker.check(path: file.path)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.contains("tls_config.ca_file") && $0.contains("ca.crt") })
        #expect(problems.contains { $0.contains("rule_files[0]") })
        #expect(ConfigChecker.check(path: dir.appendingPathComponent("nope.yml").path).count == 1)
    }
}
