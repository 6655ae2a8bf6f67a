/// A set of targets sharing labels, as a discoverer reports them (Prometheus `targetgroup.Group`).
///
/// Lives in Model so discovery produces it and scrape consumes it without importing each other.
public struct TargetGroup: Sendable, Equatable, Hashable {
    /// Identifies the group within its provider; a later group with the same source replaces it.
    public var source: String
    /// One label set per target; each holds at least `__address__`.
    public var targets: [Labels]
    /// Labels common to every target of the group.
    public var labels: Labels

    public init(source: String, targets: [Labels] = [], labels: Labels = .empty) {
        self.source = source
        self.targets = targets
        self.labels = labels
    }
}
