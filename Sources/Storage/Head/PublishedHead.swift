import Synchronization

/// The head as last copied for a querier. A querier created while the head has not changed
/// since takes this copy without a hop to the writer's queue (two thread wake-ups, a good part
/// of a small query's time): dashboards ask several queries between two scrapes' commits.
///
/// The writer calls `release()` at the start of every method that changes its head (once per
/// commit, not per sample): that makes the copy stale for readers, and drops it, so the writer's
/// changes do not copy buffers the published copy would otherwise still share (a querier that
/// took the copy keeps its own reference). `ConcurrencyTests` checks commits, deletions and close.
final class PublishedHead: Sendable {
    private let version = Atomic<UInt64>(0)
    private let published = Mutex<(version: UInt64, head: Head)?>(nil)

    /// Called by the writer before it changes its head.
    func release() {
        version.add(1, ordering: .releasing)
        published.withLock { $0 = nil }
    }

    /// The published copy, if the head has not changed since.
    var current: Head? {
        let v = version.load(ordering: .acquiring)
        return published.withLock { $0?.version == v ? $0?.head : nil }
    }

    /// Called by the writer (on its queue, so no change can interleave) with its head of now.
    func publish(_ head: Head) {
        let v = version.load(ordering: .acquiring)
        published.withLock { $0 = (v, head) }
    }
}
