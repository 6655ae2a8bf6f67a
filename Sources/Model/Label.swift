/// One name/value pair of a series' identity.
public struct Label: Sendable, Hashable, Comparable, Codable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public static func < (lhs: Label, rhs: Label) -> Bool {
        lhs.name != rhs.name ? lhs.name < rhs.name : lhs.value < rhs.value
    }
}

/// Reserved label names Prometheus gives a meaning to.
public enum LabelName {
    public static let metricName = "__name__"
    public static let address = "__address__"
    public static let scheme = "__scheme__"
    public static let metricsPath = "__metrics_path__"
    public static let scrapeInterval = "__scrape_interval__"
    public static let scrapeTimeout = "__scrape_timeout__"
    public static let paramPrefix = "__param_"
    public static let metaPrefix = "__meta_"
    public static let tmpPrefix = "__tmp_"
    public static let reservedPrefix = "__"
    public static let job = "job"
    public static let instance = "instance"
    public static let bucket = "le"
    public static let quantile = "quantile"
}
