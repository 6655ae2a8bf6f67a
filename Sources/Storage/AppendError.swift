public import Model

/// An expected rejection of one sample, like Prometheus's `ErrOutOfOrderSample`: the scrape
/// loop counts it and carries on; the rest of the batch is unaffected.
///
/// Compare with the static members (`error == .outOfOrder`); equality looks at the kind
/// only, the series and time are context for messages.
public struct AppendError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case outOfOrder, duplicateSampleForTimestamp, emptyLabels, invalidLabels, closed
    }

    let code: Code
    /// The series concerned, when known.
    public let labels: Labels?
    /// The sample's time, when relevant.
    public let timestamp: Timestamp?
    /// More detail (which label is wrong).
    public let detail: String?

    init(_ code: Code, labels: Labels? = nil, timestamp: Timestamp? = nil, detail: String? = nil) {
        self.code = code
        self.labels = labels
        self.timestamp = timestamp
        self.detail = detail
    }

    /// The sample is older than the newest sample of its series.
    public static let outOfOrder = AppendError(.outOfOrder)
    /// The series already has a different value at this time (same value is a silent no-op).
    public static let duplicateSampleForTimestamp = AppendError(.duplicateSampleForTimestamp)
    /// The label set is empty.
    public static let emptyLabels = AppendError(.emptyLabels)
    /// A label name is empty, repeated, or the pairs are not sorted.
    public static let invalidLabels = AppendError(.invalidLabels)
    /// The storage is closed or read-only.
    public static let closed = AppendError(.closed)

    public static func == (lhs: AppendError, rhs: AppendError) -> Bool { lhs.code == rhs.code }

    public var description: String {
        var s: String
        switch code {
        case .outOfOrder: s = "out of order sample"
        case .duplicateSampleForTimestamp: s = "duplicate sample for timestamp"
        case .emptyLabels: s = "empty label set"
        case .invalidLabels: s = "invalid labels"
        case .closed: s = "storage is closed or read-only"
        }
        if let detail { s += ": \(detail)" }
        if let labels { s += " for series \(labels)" }
        if let timestamp { s += " at \(timestamp)" }
        return s
    }

    /// Checks the invariants `Labels` promises but `Labels(sortedUnique:)` cannot enforce.
    static func validate(_ labels: Labels) throws(AppendError) {
        guard !labels.isEmpty else { throw AppendError(.emptyLabels) }
        var previous: String?
        for l in labels.pairs {
            if l.name.isEmpty { throw AppendError(.invalidLabels, labels: labels, detail: "empty label name") }
            if l.value.isEmpty {
                throw AppendError(.invalidLabels, labels: labels, detail: "empty value for label \(quoted(l.name))")
            }
            if let p = previous {
                if p == l.name { throw AppendError(.invalidLabels, labels: labels, detail: "duplicate label name \(quoted(p))") }
                if p > l.name { throw AppendError(.invalidLabels, labels: labels, detail: "labels not sorted") }
            }
            previous = l.name
        }
    }
}
