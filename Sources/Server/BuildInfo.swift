import Model

/// The version Lantern reports (`lantern --version`, `User-Agent`, `lantern_build_info`).
public enum BuildInfo {
    public static let version = "0.1.0"

    static let collector = ClosureCollector {
        [MetricFamily(
            name: "lantern_build_info",
            help: "A metric with a constant '1' value labeled by version from which lantern was built.",
            type: .gauge,
            samples: [MetricSample(labels: Labels(("version", version)), value: 1)]
        )]
    }
}
