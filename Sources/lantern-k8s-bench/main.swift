import Config
import Discovery
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KubernetesConformance
import Logging
import Model

// lantern-k8s-bench [--pods N] [--events N] [--interval SECONDS]
//
// Kubernetes discovery at scale, in one process: a fake API server on 127.0.0.1 lists N pods;
// a DiscoveryManager (the production throttle, default 5 s) runs the pod-role discoverer. After
// the initial update, the bench idles one interval (so nothing was sent recently), then the
// server writes a burst of N watch events (MODIFIED, each pod gets label burst=1) in one chunk.
// Reported: the time from the burst's last byte written to the socket until the manager's
// merged update containing every change, and the process's resident memory.

/// Prints a line unbuffered (stdout may be a pipe).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return value
}

func residentMiB() -> (rss: Double, peak: Double) {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    func field(_ name: String) -> Double {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

func pod(_ i: Int, rv: Int, burst: Bool) -> String {
    let ns = "ns-\(i % 50)"
    let ip = "10.\(i / 65536 % 256).\(i / 256 % 256).\(i % 256)"
    let extra = burst ? #","burst":"1""# : ""
    return #"{"metadata":{"name":"pod-\#(i)","namespace":"\#(ns)","uid":"uid-\#(i)","resourceVersion":"\#(rv)","labels":{"app":"app-\#(i % 100)","pod-template-hash":"abc\#(i % 7)"\#(extra)},"annotations":{"prometheus.io/scrape":"true","prometheus.io/port":"8080"},"ownerReferences":[{"kind":"ReplicaSet","name":"rs-\#(i % 100)","controller":true}]},"spec":{"nodeName":"node-\#(i % 100)","containers":[{"name":"app","image":"registry/app:1","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}]}]},"status":{"phase":"Running","podIP":"\#(ip)","hostIP":"192.168.0.\#(i % 100)","conditions":[{"type":"Ready","status":"True"}]}}"#
}

/// glibc's `malloc_trim(0)` (not in the Glibc module map): returns freed arena memory to the OS.
func trimMalloc() {
    guard let sym = dlsym(nil, "malloc_trim") else { return }
    typealias Trim = @convention(c) (Int) -> Int32
    _ = unsafeBitCast(sym, to: Trim.self)(0)
}

func fmt(_ d: Duration) -> String { String(format: "%.1f ms", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) }
func mib(_ v: Double) -> String { String(format: "%.1f MiB", v) }

func runBench() async throws {
    let pods = argument("--pods", default: 10_000)
    let events = argument("--events", default: 10_000)
    let interval = Duration.seconds(argument("--interval", default: 5))
    let path = "/api/v1/pods"

    let list = Data(#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[\#((0..<pods).map { pod($0, rv: 1, burst: false) }.joined(separator: ","))]}"#.utf8)
    var burst = Data()
    for e in 0..<events {
        if e > 0 { burst.append(UInt8(ascii: "\n")) }
        burst.append(contentsOf: Data(#"{"type":"MODIFIED","object":\#(pod(e % pods, rv: 2 + e, burst: true))}"#.utf8))
    }
    let lastSource = "pod/ns-\((events - 1) % pods % 50)/pod-\((events - 1) % pods)"
    let changedPods = min(events, pods)

    let api = KubernetesFakeAPIServer(collections: [path: .init(lists: [list])])
    try await api.start()
    let baseline = residentMiB()
    say("pods \(pods), burst events \(events) (\(burst.count / 1024) KiB), update interval \(interval)")
    say("RSS before discovery (fake server and its data loaded): \(mib(baseline.rss))")

    var logger = Logger(label: "k8s-bench")
    logger.logLevel = ProcessInfo.processInfo.environment["BENCH_DEBUG"] != nil ? .debug : .warning
    let manager = DiscoveryManager(updateInterval: interval, logger: logger)
    let runner = Task { await manager.run() }
    let config = try KubernetesCaseRunner.parseConfig("api_server: \(api.baseURL)\nrole: pod")
    let start = ContinuousClock.now
    await manager.applyConfig(["bench": [.kubernetes(config)]])

    var updates = manager.syncStream.makeAsyncIterator()
    while let sets = await updates.next() {
        if sets["bench"]?.count == pods { break }
    }
    let listed = ContinuousClock.now
    let afterList = residentMiB()
    say("initial update (\(pods) groups): \(fmt(listed - start)) after start; RSS \(mib(afterList.rss))")

    // Nothing is sent for a whole interval: the burst's update must not wait for the throttle.
    try await Task.sleep(for: interval + .milliseconds(500))
    if ProcessInfo.processInfo.environment["BENCH_DEBUG"] != nil {
        Task {
            while true {
                try await Task.sleep(for: .milliseconds(500))
                let received = await manager.metrics().first { $0.name == "lantern_sd_received_updates_total" }?.samples.first?.value ?? 0
                say("received \(received), requests \(api.requests.map { "\($0.isWatch ? "W" : "L") \($0.query["resourceVersion"] ?? "")" })")
            }
        }
    }
    api.emit(path: path, burst)
    let emitted = ContinuousClock.now
    var delivered: ContinuousClock.Instant?
    var merged: [TargetGroup] = []
    while let sets = await updates.next() {
        let groups = sets["bench"] ?? []
        if ProcessInfo.processInfo.environment["BENCH_DEBUG"] != nil {
            say("update: \(groups.count) groups, \(groups.filter { $0.labels["__meta_kubernetes_pod_label_burst"] == "1" }.count) changed, written \(String(describing: api.pushedWrittenAt))")
        }
        if groups.first(where: { $0.source == lastSource })?.labels["__meta_kubernetes_pod_label_burst"] == "1" {
            delivered = .now
            merged = groups
            break
        }
    }
    guard let delivered, let written = api.pushedWrittenAt else { fatalError("no merged update") }
    let withBurst = merged.filter { $0.labels["__meta_kubernetes_pod_label_burst"] == "1" }.count
    let after = residentMiB()
    say("burst written to the socket \(fmt(written - emitted)) after queueing")
    say("merged update with \(withBurst)/\(changedPods) changed pods: \(fmt(delivered - written)) after the burst's last byte")
    say("RSS with that state: \(mib(after.rss)) (peak \(mib(after.peak))), discovery share \(mib(after.rss - baseline.rss))")
    // Freed memory glibc keeps in its arenas (parsing garbage) is not state; show it separately.
    trimMalloc()
    let trimmed = residentMiB()
    say("RSS after malloc_trim(0): \(mib(trimmed.rss)), discovery share \(mib(trimmed.rss - baseline.rss))")
    let families = await manager.metrics()
    for f in families where f.name == "lantern_sd_received_updates_total" { say("\(f.name) \(f.samples.first?.value ?? 0)") }
    runner.cancel()
    await api.stop()
    if withBurst != changedPods { say("FAIL: the merged update misses changes"); exit(1) }
}

try await runBench()
