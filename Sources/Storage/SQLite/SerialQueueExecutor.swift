import Dispatch

/// Runs an actor's jobs on one serial `DispatchQueue`, so the blocking `sqlite3_*` calls
/// an actor makes never occupy a thread of Swift's cooperative pool (STYLE §4, GRDB's
/// `DispatchQueueActor`).
final class SerialQueueExecutor: SerialExecutor, @unchecked Sendable {  // safe: jobs run one at a time on `queue`
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: UnownedJob) {
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
