import Synchronization

/// A copy of state the writer owns, as last handed to readers, usable until the writer changes
/// that state. Readers take it without a hop to the writer's queue (two thread wake-ups, a good
/// part of a small query's time); the first reader after a change gets a fresh copy from the
/// writer, which publishes it for the next ones.
///
/// Two uses: the head's label index for the labels API (stale once series are added), and the
/// whole head for queriers (stale at the start of every writer method that changes the head:
/// once per commit, not per sample). Those methods never suspend, so no copy can be published
/// between the invalidation and the change. `ConcurrencyTests` checks commits, deletions, close.
final class PublishedCopy<Value: Sendable>: Sendable {
    private let version = Atomic<UInt64>(0)
    private let published = Mutex<(version: UInt64, value: Value)?>(nil)

    /// Called by the writer before (or as) it changes the state. `dropping` also lets the copy
    /// go: while it lives it shares the state's buffers, and each change the writer then makes
    /// would copy a buffer first (a querier that took the copy keeps its own reference).
    func invalidate(dropping: Bool = false) {
        version.add(1, ordering: .releasing)
        if dropping { published.withLock { $0 = nil } }
    }

    /// The published copy, if the state has not changed since.
    var current: Value? {
        let v = version.load(ordering: .acquiring)
        return published.withLock { $0?.version == v ? $0?.value : nil }
    }

    /// Called by the writer (on its queue, so no change can interleave) with the state of now.
    func publish(_ value: Value) {
        let v = version.load(ordering: .acquiring)
        published.withLock { $0 = (v, value) }
    }
}
