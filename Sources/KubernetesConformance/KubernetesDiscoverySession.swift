public import Config
public import Discovery
import Logging
public import Model
import Synchronization

/// One `KubernetesDiscoverer` running in the background, keeping the newest group per source it
/// emitted, for tests that drive the fake API server step by step. Thread-safe.
public final class KubernetesDiscoverySession: Sendable {
    private struct State {
        var groups: [String: TargetGroup] = [:]
        var lastUpdate: ContinuousClock.Instant?
        var updates = 0
    }

    private final class Box: Sendable {
        let state = Mutex(State())
    }

    private let box = Box()
    private let runner: Task<Void, Never>
    private let collector: Task<Void, Never>

    /// Starts the discoverer at once.
    public init(config: KubernetesSDConfig, metrics: KubernetesSDMetrics = KubernetesSDMetrics(),
                options: KubernetesDiscoverer.Options = KubernetesCaseRunner.testOptions) {
        let discoverer = KubernetesDiscoverer(config: config, logger: Logger(label: "k8s-test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                              metrics: metrics, options: options)
        let (stream, sink) = AsyncStream<[TargetGroup]>.makeStream()
        runner = Task { await discoverer.run(updates: sink); sink.finish() }
        let box = self.box
        collector = Task {
            for await batch in stream {
                box.state.withLock { s in
                    for g in batch { s.groups[g.source] = g }
                    s.lastUpdate = .now
                    s.updates += 1
                }
            }
        }
    }

    /// The newest group per source so far.
    public var groups: [String: TargetGroup] { box.state.withLock { $0.groups } }
    /// When the last batch of groups arrived.
    public var lastUpdate: ContinuousClock.Instant? { box.state.withLock { $0.lastUpdate } }
    /// How many batches arrived.
    public var updateCount: Int { box.state.withLock { $0.updates } }

    /// Polls until `condition` holds for the groups; returns whether it did before `timeout`.
    public func wait(timeout: Duration = .seconds(10), until condition: ([String: TargetGroup]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(groups) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(groups)
    }

    /// Cancels the discoverer; returns the final groups.
    @discardableResult
    public func stop() async -> [String: TargetGroup] {
        runner.cancel()
        await runner.value
        await collector.value
        return groups
    }

    deinit { runner.cancel() }
}
