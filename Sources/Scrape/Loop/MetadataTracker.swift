/// Collects the HELP/TYPE/UNIT lines of one scrape and tells whether they differ from the
/// previous scrape's, so the shared table is only rewritten when a target changes its metadata.
struct MetadataTracker {
    private(set) var families: [String: MetricMetadata] = [:]
    private var current: [String: MetricMetadata] = [:]

    mutating func begin() { current.removeAll(keepingCapacity: true) }

    mutating func note(_ name: String, _ edit: (inout MetricMetadata) -> Void) {
        edit(&current[name, default: MetricMetadata()])
    }

    /// Ends the scrape; true when the metadata changed.
    mutating func end() -> Bool {
        guard current != families else { return false }
        families = current
        return true
    }
}
