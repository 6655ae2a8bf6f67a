public import Model

/// A source of target groups (Prometheus `discovery.Discoverer`).
///
/// `run` sends the full current set of groups first, then every changed group (a group with
/// the same `source` replaces the earlier one; a group with no targets removes them). It
/// returns when the task is cancelled. It must never block on the receiver: the manager
/// buffers only the latest state.
public protocol Discoverer: Sendable {
    func run(updates: AsyncStream<[TargetGroup]>.Continuation) async
}
