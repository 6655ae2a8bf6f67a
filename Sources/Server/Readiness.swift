import Synchronization

/// Whether the server is ready to serve queries (storage opened, config applied).
/// `/-/ready` answers 503 until then, as Prometheus does during WAL replay.
final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)
    var isReady: Bool { ready.load(ordering: .acquiring) }
    func markReady() { ready.store(true, ordering: .releasing) }
    func markNotReady() { ready.store(false, ordering: .releasing) }
}
