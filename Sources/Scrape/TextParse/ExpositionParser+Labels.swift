public import Model

/// An OpenMetrics exemplar attached to the current sample.
public struct Exemplar: Sendable, Equatable {
    /// The exemplar's own label set (e.g. `trace_id`), unescaped.
    public var labels: Labels
    /// The exemplar value.
    public var value: Double
    /// Its timestamp in milliseconds, if given.
    public var timestamp: Timestamp?

    /// Creates an exemplar.
    public init(labels: Labels, value: Double, timestamp: Timestamp?) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }
}

extension ExpositionParser {
    /// The label set of the current series, `__name__` included, with escapes resolved.
    ///
    /// Allocates; call it only for series the scrape cache does not know yet. As in Prometheus,
    /// the `le` label of histograms and the `quantile` label of summaries are rewritten to the
    /// canonical float spelling (`le="1"` → `1.0`); the type is the most recent `# TYPE`.
    /// Repeated names keep the last value and empty values are dropped, as ``Labels`` does.
    public func labels() -> Labels {
        precondition(onSeries, "labels() called when the current entry is not a series")
        precondition(!offsets.isEmpty, "labels() called for a series next(known:) skipped as known")
        return bytes.withUnsafeBytes { b in
            var pairs: [Label] = []
            pairs.reserveCapacity(1 + (offsets.count - 2) / 4)
            pairs.append(Label(name: LabelName.metricName, value: Self.unescaped(b, offsets[0]..<offsets[1])))
            for k in stride(from: 2, to: offsets.count, by: 4) {
                let name = Self.unescaped(b, offsets[k]..<offsets[k + 1])
                var value = Self.unescaped(b, offsets[k + 2]..<offsets[k + 3])
                if (metricType == .summary && name == LabelName.quantile) || (metricType == .histogram && name == LabelName.bucket) {
                    value = Self.normalizedFloatLabel(value)
                }
                pairs.append(Label(name: name, value: value))
            }
            return Labels(pairs)
        }
    }

    /// `labels.FormatOpenMetricsFloat` of the parsed value, or the value unchanged if it is not
    /// a float.
    static func normalizedFloatLabel(_ value: String) -> String {
        var copy = value
        let parsed = copy.withUTF8 { GoFloat.parse(UnsafeRawBufferPointer($0)) }
        return parsed.map(GoFloat.formatOpenMetrics) ?? value
    }

    /// The exemplar of the current OpenMetrics sample, if it has one.
    public func exemplar() -> Exemplar? {
        guard onSeries, hasExemplar else { return nil }
        return bytes.withUnsafeBytes { b in
            var pairs: [Label] = []
            for k in stride(from: 0, to: exemplarOffsets.count, by: 4) {
                pairs.append(Label(name: Self.unescaped(b, exemplarOffsets[k]..<exemplarOffsets[k + 1]),
                                   value: Self.unescaped(b, exemplarOffsets[k + 2]..<exemplarOffsets[k + 3])))
            }
            return Exemplar(labels: Labels(pairs), value: exemplarValue, timestamp: exemplarTimestamp)
        }
    }
}
