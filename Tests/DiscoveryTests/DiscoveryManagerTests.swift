import Config
import Logging
import Model
import Synchronization
import Testing
@testable import Discovery

/// A discoverer the test drives: counts its starts and sends what the test pushes.
final class ScriptedDiscoverer: Discoverer {
    let starts = Atomic<Int>(0)
    let script: [[TargetGroup]]
    let pause: Duration
    init(_ script: [[TargetGroup]], pause: Duration = .zero) { self.script = script; self.pause = pause }
    func run(updates: AsyncStream<[TargetGroup]>.Continuation) async {
        starts.add(1, ordering: .relaxed)
        for groups in script {
            updates.yield(groups)
            if pause > .zero { try? await Task.sleep(for: pause) }
        }
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }
    }
}

func group(_ source: String, _ addresses: String...) -> TargetGroup {
    TargetGroup(source: source, targets: addresses.map { Labels(("__address__", $0)) })
}

/// Reads the manager's stream until `accept` holds (or fails after the timeout).
func waitFor(_ stream: AsyncStream<[String: [TargetGroup]]>, timeout: Duration = .seconds(10),
             _ accept: @escaping @Sendable ([String: [TargetGroup]]) -> Bool) async -> [String: [TargetGroup]]? {
    await withTaskGroup(of: [String: [TargetGroup]]?.self) { g in
        g.addTask {
            for await update in stream where accept(update) { return update }
            return nil
        }
        g.addTask { try? await Task.sleep(for: timeout); return nil }
        let first = await g.next() ?? nil
        g.cancelAll()
        return first
    }
}

@Suite(.timeLimit(.minutes(1)))
struct DiscoveryManagerTests {
    let logger = Logger(label: "test")

    @Test func identicalConfigsShareOneProviderAndBothJobsGetTheGroups() async throws {
        let groups = [group("0", "a:1", "b:2")]
        let manager = DiscoveryManager(updateInterval: .milliseconds(50), logger: logger)
        let runner = Task { await manager.run() }
        defer { runner.cancel() }
        await manager.applyConfig(["j1": [.staticGroups(groups)], "j2": [.staticGroups(groups)]])
        let update = await waitFor(manager.syncStream) { $0["j1"]?.count == 1 && $0["j2"]?.count == 1 }
        #expect(update?["j1"] == groups)
        #expect(update?["j2"] == groups)
        #expect(await manager.providerCount == 1)
    }

    @Test func burstsAreMergedAndTheLatestGroupPerSourceWins() async throws {
        let script = (0..<50).map { [group("s", "host:\($0)")] }
        let d = ScriptedDiscoverer(script)
        let manager = DiscoveryManager(updateInterval: .milliseconds(300), logger: logger) { _ in d }
        let runner = Task { await manager.run() }
        defer { runner.cancel() }
        await manager.applyConfig(["job": [.staticGroups([])]])
        let update = await waitFor(manager.syncStream) { $0["job"]?.first?.targets.first?["__address__"] == "host:49" }
        #expect(update?["job"]?.count == 1, "one group per source, the newest")
        let families = await manager.metrics()
        #expect(families.first { $0.name == "lantern_sd_received_updates_total" }?.samples.first?.value == 50)
    }

    @Test func unchangedProvidersKeepRunningAndRemovedOnesEmptyTheirJobs() async throws {
        let keep = ScriptedDiscoverer([[group("k", "keep:1")]])
        let gone = ScriptedDiscoverer([[group("g", "gone:1")]])
        let a = SDConfig.staticGroups([group("a")]), b = SDConfig.staticGroups([group("b")])
        let manager = DiscoveryManager(updateInterval: .milliseconds(50), logger: logger) { $0 == a ? keep : gone }
        let runner = Task { await manager.run() }
        defer { runner.cancel() }
        await manager.applyConfig(["stay": [a], "leave": [b]])
        _ = await waitFor(manager.syncStream) { $0["stay"]?.count == 1 && $0["leave"]?.count == 1 }
        // The "leave" job keeps existing but loses its discovery: it must get an empty list.
        await manager.applyConfig(["stay": [a], "leave": []])
        let update = await waitFor(manager.syncStream) { $0["leave"]?.isEmpty == true }
        #expect(update?["stay"]?.first?.source == "k")
        #expect(keep.starts.load(ordering: .relaxed) == 1, "an unchanged provider is not restarted")
        #expect(await manager.providerCount == 1)
    }
}

/// A discoverer whose sends the test triggers.
final class PushDiscoverer: Discoverer {
    let sink = Mutex<AsyncStream<[TargetGroup]>.Continuation?>(nil)
    func run(updates: AsyncStream<[TargetGroup]>.Continuation) async {
        sink.withLock { $0 = updates }
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }
    }
    func push(_ groups: [TargetGroup]) { _ = sink.withLock { $0?.yield(groups) } }
    var isRunning: Bool { sink.withLock { $0 != nil } }
}

extension DiscoveryManagerTests {
    /// Prometheus-like throttle: a burst after a quiet period longer than the interval goes out
    /// as one update right after it ends, not a whole interval later; within the interval of the
    /// last send, updates wait.
    @Test func aBurstAfterAQuietPeriodGoesOutOnceItEnds() async throws {
        let d = PushDiscoverer()
        let manager = DiscoveryManager(updateInterval: .seconds(2), settleDelay: .milliseconds(50), logger: logger) { _ in d }
        let runner = Task { await manager.run() }
        defer { runner.cancel() }
        await manager.applyConfig(["job": [.staticGroups([])]])
        #expect(await eventually { d.isRunning })
        d.push([group("s", "host:0")])
        _ = await waitFor(manager.syncStream) { $0["job"]?.first?.targets.first?["__address__"] == "host:0" }
        try await Task.sleep(for: .milliseconds(2100))  // longer than the interval: the next change is not held back
        for i in 1...200 { d.push([group("s", "host:\(i)")]) }
        let burstEnd = ContinuousClock.now
        let update = await waitFor(manager.syncStream) { $0["job"]?.first?.targets.first?["__address__"] != "host:0" }
        let latency = ContinuousClock.now - burstEnd
        #expect(update?["job"]?.first?.targets.first?["__address__"] == "host:200", "the whole burst in one update")
        // Not held back a whole 2 s interval; the margin absorbs a busy cooperative pool while the
        // full suite runs CPU-bound tests in parallel on two cores (1.3 s seen there).
        #expect(latency < .milliseconds(1900), "took \(latency)")
        // Right after a send, the next change waits for the interval. Measured from the burst's
        // end, which precedes that send (the test may notice the send late on a busy pool): the
        // send came at least the 50 ms settle delay after it, the next one 2 s after that.
        d.push([group("s", "host:201")])
        _ = await waitFor(manager.syncStream) { $0["job"]?.first?.targets.first?["__address__"] == "host:201" }
        #expect(ContinuousClock.now - burstEnd > .milliseconds(2000))
    }
}

extension DiscoveryManagerTests {
    /// The set sent at `applyConfig` (before the provider reported) must not hold back the
    /// provider's first state for an interval.
    @Test func aProvidersFirstStateIsNotThrottled() async throws {
        let d = PushDiscoverer()
        let manager = DiscoveryManager(updateInterval: .seconds(5), logger: logger) { _ in d }
        let runner = Task { await manager.run() }
        defer { runner.cancel() }
        await manager.applyConfig(["job": [.staticGroups([])]])
        #expect(await eventually { d.isRunning })
        try await Task.sleep(for: .milliseconds(100))
        let pushed = ContinuousClock.now
        d.push([group("s", "host:1")])
        let update = await waitFor(manager.syncStream) { $0["job"]?.isEmpty == false }
        #expect(update != nil)
        // Well under the 5 s interval; a busy two-thread pool in the full suite has delayed it 2.1 s.
        #expect(ContinuousClock.now - pushed < .milliseconds(4000))
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

extension DiscoveryManager {
    var providerCount: Int { providersCountForTesting() }
}
