import Synchronization

/// The head's label index as last handed to readers. The labels API reads it without a hop to
/// the writer's queue (two thread wake-ups per request) as long as no series were created since:
/// the writer bumps `version` whenever it adds series, and the next reader fetches a new copy.
final class PublishedPostings: Sendable {
    private let version = Atomic<Int>(0)
    private let published = Mutex<(version: Int, postings: Postings)?>(nil)

    /// Called by the writer after it added series to the index.
    func invalidate() { version.add(1, ordering: .releasing) }

    /// The published index, if it is still current.
    var current: Postings? {
        let v = version.load(ordering: .acquiring)
        return published.withLock { $0?.version == v ? $0?.postings : nil }
    }

    /// Called by the writer (the only one that invalidates) with its index of now.
    func publish(_ postings: Postings) {
        let v = version.load(ordering: .acquiring)
        published.withLock { $0 = (v, postings) }
    }
}
