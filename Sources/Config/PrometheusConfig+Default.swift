extension PrometheusConfig {
    /// The configuration Lantern runs with when started without `--config.file`: scrape itself.
    ///
    /// Kept as YAML (not built in code) so `lantern check config` and the docs can show exactly what
    /// runs, and so it goes through the same loader as a user's file.
    public static let embeddedDefaultYAML = """
        # Lantern's built-in configuration: scrape Lantern's own /metrics every 15 seconds.
        global:
          scrape_interval: 15s

        scrape_configs:
          - job_name: lantern
            static_configs:
              - targets: ["127.0.0.1:9090"]

        """

    /// `embeddedDefaultYAML`, loaded and validated.
    public static var embeddedDefault: PrometheusConfig {
        do {
            return try ConfigLoader.parse(yaml: embeddedDefaultYAML, baseDirectory: ".", source: "<embedded default>")
        } catch {
            preconditionFailure("BUG: the embedded default configuration does not load: \(error)")
        }
    }
}
