import Synchronization

/// The head as last copied for a querier. A querier created while the head has not changed
/// since takes this copy without a hop to the writer's queue (two thread wake-ups, a good part
/// of a small query's time): dashboards ask several queries between two scrapes' commits.
///
/// Correctness does not depend on the writer remembering to invalidate: every change to the
/// writer's `head` (its `didSet`) bumps `version`, and a copy is current only while the version
/// it was published at is. `release()` only saves memory copying: a published copy shares the
/// head's buffers, and while it lives, the writer's next change to each buffer copies it first.
final class PublishedHead: Sendable {
    private let version = Atomic<UInt64>(0)
    private let published = Mutex<(version: UInt64, head: Head)?>(nil)

    /// Called by the writer after every change to its head.
    func invalidate() { version.add(1, ordering: .releasing) }

    /// Called by the writer before it changes its head: drops the published copy (a querier
    /// that took it keeps its own reference).
    func release() { published.withLock { $0 = nil } }

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
