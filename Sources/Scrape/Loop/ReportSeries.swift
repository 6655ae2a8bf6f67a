import Model
import Storage

/// The synthetic series Prometheus adds for every scrape: `up`, `scrape_duration_seconds`,
/// `scrape_samples_scraped`, `scrape_samples_post_metric_relabeling`, `scrape_series_added`.
/// Labels are built once per loop; refs are kept so reporting costs five cached appends.
struct ReportSeries: Sendable {
    static let names = ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"]
    let targetLabels: Labels
    let labels: [Labels]
    var refs: [SeriesRef?]

    init(targetLabels: Labels) {
        self.targetLabels = targetLabels
        labels = Self.names.map { targetLabels.setting(LabelName.metricName, to: $0) }
        refs = Array(repeating: nil, count: Self.names.count)
    }

    mutating func append(up: Bool, duration: Double, counts: AppendCounts, at ts: Timestamp, to appender: inout any Appender) {
        let values = [up ? 1 : 0, duration, Double(counts.scraped), Double(counts.postRelabel), Double(counts.added)]
        for i in 0..<values.count {
            if let ref = try? appender.append(refs[i], labels[i], at: ts, value: values[i]) { refs[i] = ref }
        }
    }

    func appendStale(at ts: Timestamp, to appender: inout any Appender) {
        for i in 0..<labels.count { _ = try? appender.append(refs[i], labels[i], at: ts, value: StaleNaN.value) }
    }
}
