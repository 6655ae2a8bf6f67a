import Foundation

/// `promtool check config` for Lantern: load the file, then verify the files it refers to exist.
///
/// Loading deliberately does not open referenced files (a token may be mounted after start-up);
/// this check is for humans and CI before a deploy. It reports every problem it finds rather than
/// stopping at the first missing file.
public enum ConfigChecker {
    /// Checks the configuration at `path`.
    /// - Returns: one message per problem (empty when the configuration is good). A configuration
    ///   that does not load yields exactly one message, the `ConfigError` description.
    public static func check(path: String) -> [String] {
        let config: PrometheusConfig
        do { config = try ConfigLoader.load(path: path) } catch { return [error.description] }
        return check(config, source: path)
    }

    /// Checks the files a loaded configuration refers to.
    /// - Parameters:
    ///   - config: a configuration from `ConfigLoader` (paths already resolved).
    ///   - source: the name used in messages.
    public static func check(_ config: PrometheusConfig, source: String = "prometheus.yml") -> [String] {
        var problems: [String] = []
        for (keyPath, file) in referencedFiles(config) where !isReadableFile(file) {
            problems.append("\(source): \(keyPath): file \(quoted(file)) does not exist or is not a readable file")
        }
        for (i, pattern) in config.ruleFiles.enumerated() where !pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[") {
            if !isReadableFile(pattern) {
                problems.append("\(source): rule_files[\(i)]: file \(quoted(pattern)) does not exist or is not a readable file")
            }
        }
        return problems
    }

    /// Every `*_file` setting that must name an existing file, with its key path.
    static func referencedFiles(_ config: PrometheusConfig) -> [(String, String)] {
        var out: [(String, String)] = []
        func http(_ h: HTTPClientConfig, _ path: String) {
            let candidates: [(String, String?)] = [
                ("basic_auth.username_file", h.basicAuth?.usernameFile), ("basic_auth.password_file", h.basicAuth?.passwordFile),
                ("authorization.credentials_file", h.authorization?.credentialsFile), ("bearer_token_file", h.bearerTokenFile),
                ("tls_config.ca_file", h.tlsConfig.caFile), ("tls_config.cert_file", h.tlsConfig.certFile),
                ("tls_config.key_file", h.tlsConfig.keyFile),
            ]
            for (key, value) in candidates { if let value, !value.isEmpty { out.append((KeyPath.join(path, key), value)) } }
            for (name, header) in (h.httpHeaders ?? [:]).sorted(by: { $0.key < $1.key }) {
                for file in header.files { out.append((KeyPath.join(path, "http_headers.\(name).files"), file)) }
            }
        }
        func kubernetes(_ list: [KubernetesSDConfig], _ path: String) {
            for (i, k) in list.enumerated() {
                let p = KeyPath.index(KeyPath.join(path, "kubernetes_sd_configs"), i)
                if !k.kubeconfigFile.isEmpty { out.append((KeyPath.join(p, "kubeconfig_file"), k.kubeconfigFile)) }
                http(k.httpClientConfig, p)
            }
        }
        for (i, job) in config.scrapeConfigs.enumerated() {
            let p = KeyPath.index("scrape_configs", i)
            http(job.httpClientConfig, p)
            kubernetes(job.kubernetesSDConfigs, p)
            for (j, sd) in job.httpSDConfigs.enumerated() { http(sd.httpClientConfig, KeyPath.index(KeyPath.join(p, "http_sd_configs"), j)) }
        }
        for (i, rw) in config.remoteWrite.enumerated() { http(rw.httpClientConfig, KeyPath.index("remote_write", i)) }
        for (i, rr) in config.remoteRead.enumerated() { http(rr.httpClientConfig, KeyPath.index("remote_read", i)) }
        for (i, am) in config.alerting.alertmanagers.enumerated() {
            let p = KeyPath.index("alerting.alertmanagers", i)
            http(am.httpClientConfig, p)
            kubernetes(am.kubernetesSDConfigs, p)
        }
        return out
    }

    private static func isReadableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isReadableFile(atPath: path)
    }
}
