import Logging
import Model
import Prompb
import SwiftProtobuf
import Synchronization

/// Sends everything committed to the primary storage to one remote, resuming where the
/// receiver last acknowledged. Like Prometheus's queue manager, but reading the SQLite file
/// instead of a WAL: each scan selects the samples newer than each series' acknowledged
/// position, shards series by ref (so a series' samples stay in order), sends shards in
/// parallel in requests of `max_samples_per_send`, retries 5xx/429/network errors with
/// exponential backoff (Retry-After honoured) and drops other 4xx with a count. Positions
/// are saved in the SQLite file after every scan, so an outage or a restart loses nothing
/// younger than `maxAge`. Scans run one at a time, at most once a second after a commit
/// and at least every `batch_send_deadline`.
final class RemoteWriteQueue: Sendable {
    let options: RemoteWriteOptions
    let metrics = RemoteWriteMetrics()
    private let source: any Queryable
    private let progress: RemoteWriteProgress
    private let logger: Logger
    private let dirty = Atomic<Bool>(true)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(options: RemoteWriteOptions, source: any Queryable, databasePath: String, logger: Logger) {
        self.options = options
        self.source = source
        self.logger = logger
        progress = RemoteWriteProgress(path: databasePath, remote: options.name)
        metrics.shards.store(options.queue.minShards, ordering: .relaxed)
    }

    func start() {
        task.withLock { t in
            guard t == nil else { return }
            t = Task { [self] in await run() }
        }
    }

    /// A commit happened: scan soon.
    func notify() { dirty.store(true, ordering: .relaxed) }

    /// Stops after the request in flight; unacknowledged samples are sent after the next start.
    func stop() async {
        let t = task.withLock { t -> Task<Void, Never>? in defer { t = nil }; return t }
        t?.cancel()
        await t?.value
        await progress.close()
    }

    private func run() async {
        var state = ScanState(options: options)
        do {
            state.positions = try await progress.load()
        } catch {
            logger.error("remote write: cannot read progress; starting from now", metadata: ["remote": "\(options.name)", "err": "\(error)"])
        }
        state.cursor = state.positions[0] ?? Timestamp.now()
        let clients = (0..<options.queue.maxShards).map { RemoteWriteClient(options: options, label: "lantern.remote-write.\(options.name).\($0)") }
        var lastScan = ContinuousClock.now - .seconds(3600)
        while !Task.isCancelled {
            let since = ContinuousClock.now - lastScan
            // Each scan walks every series, so scans are spaced: after a commit at most once a
            // second (or per deadline, when shorter), and at least once per deadline.
            let spacing = Swift.min(Duration.seconds(1), options.queue.batchSendDeadline)
            guard (dirty.load(ordering: .relaxed) && since >= spacing) || since >= options.queue.batchSendDeadline else {
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            dirty.store(false, ordering: .relaxed)
            lastScan = ContinuousClock.now
            do {
                let complete = try await scanAndSend(&state, clients: clients)
                if !complete { dirty.store(true, ordering: .relaxed); lastScan = .now - .seconds(3600) }
            } catch is CancellationError {
                break
            } catch {
                logger.warning("remote write scan failed", metadata: ["remote": "\(options.name)", "err": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// One scan: read, send, save. Returns false when it stopped early at `capacity`.
    private func scanAndSend(_ state: inout ScanState, clients: [RemoteWriteClient]) async throws -> Bool {
        let now = Timestamp.now()
        let floor = now - Timestamp(options.maxAge.components.seconds * 1000)
        let mint = max(floor, state.cursor - Timestamp(options.lateCommitWindow.components.seconds * 1000))
        let shardCount = metrics.shards.load(ordering: .relaxed)
        var shards = Array(repeating: [PendingSeries](), count: shardCount)
        var buffered = 0
        var complete = true
        var changed: [UInt64: Timestamp] = [:]
        let limit = options.queue.capacity * shardCount
        let querier = try await source.querier(mint: mint, maxt: now)
        do {
            try await querier.forEachBatch(matchers: [try Matcher(.regexMatch, "__name__", ".+")], batchSize: 512) { set in
                for s in set.series {
                    guard let ref = s.ref?.rawValue else { continue }
                    if buffered >= limit { complete = false; throw StopScan() }
                    let after = state.positions[ref] ?? (mint - 1)
                    var samples: [Sample] = []
                    var it = s.makeIterator()
                    while let x = it.next() { if x.t > after { samples.append(x) } }
                    guard let last = samples.last else { continue }
                    guard let labels = state.relabeled(ref, s.labels) else {
                        metrics.droppedTotal.wrappingAdd(samples.count, ordering: .relaxed)
                        state.positions[ref] = last.t
                        changed[ref] = last.t
                        continue
                    }
                    shards[Int(ref % UInt64(shardCount))].append(PendingSeries(ref: ref, labels: labels, samples: samples))
                    buffered += samples.count
                }
            }
        } catch is StopScan {}
        await querier.close()
        metrics.pending.store(buffered, ordering: .relaxed)

        let started = ContinuousClock.now
        let acked = await withTaskGroup(of: [(UInt64, Timestamp)].self) { group in
            for (i, series) in shards.enumerated() where !series.isEmpty {
                group.addTask { await self.sendShard(series, client: clients[i]) }
            }
            var all: [(UInt64, Timestamp)] = []
            for await part in group { all += part }
            return all
        }
        for (ref, t) in acked {
            state.positions[ref] = max(state.positions[ref] ?? .min, t)
            changed[ref] = state.positions[ref]
        }
        metrics.pending.store(0, ordering: .relaxed)
        if Task.isCancelled { complete = false }
        if complete { state.cursor = max(state.cursor, now); changed[0] = state.cursor }
        try await progress.save(changed)
        adjustShards(sendTime: ContinuousClock.now - started, samples: buffered)
        return complete
    }

    /// Sends one shard's series in order; returns the positions acknowledged (or dropped).
    private func sendShard(_ series: [PendingSeries], client: RemoteWriteClient) async -> [(UInt64, Timestamp)] {
        var acked: [(UInt64, Timestamp)] = []
        var batch: [PendingSeries] = []
        var count = 0
        let max = options.queue.maxSamplesPerSend
        func flush() async -> Bool {
            defer { batch = []; count = 0 }
            guard !batch.isEmpty else { return true }
            guard await send(batch, client: client) else { return false }
            for s in batch { acked.append((s.ref, s.samples.last!.t)) }
            return true
        }
        for var s in series {
            while !s.samples.isEmpty {
                let take = Swift.min(max - count, s.samples.count)
                batch.append(PendingSeries(ref: s.ref, labels: s.labels, samples: Array(s.samples.prefix(take))))
                s.samples.removeFirst(take)
                count += take
                if count >= max, await !flush() { return acked }
            }
        }
        _ = await flush()
        return acked
    }

    /// One request with retries. Returns true when the receiver took it or it was dropped
    /// as unacceptable (non-retryable 4xx); false only when cancelled.
    private func send(_ batch: [PendingSeries], client: RemoteWriteClient) async -> Bool {
        let n = batch.reduce(0) { $0 + $1.samples.count }
        let body = Self.encode(batch, externalLabels: options.externalLabels)
        var backoff = options.queue.minBackoff
        var attempts = 0
        while !Task.isCancelled {
            attempts += 1
            let r = await client.post(body)
            metrics.requestsTotal.wrappingAdd(1, ordering: .relaxed)
            switch r.status {
            case 200..<300:
                metrics.samplesTotal.wrappingAdd(n, ordering: .relaxed)
                let newest = batch.map { $0.samples.last!.t }.max() ?? 0
                if newest > metrics.highestSentMs.load(ordering: .relaxed) { metrics.highestSentMs.store(newest, ordering: .relaxed) }
                return true
            case let status where status == 0 || (500..<600).contains(status) || (status == 429 && options.queue.retryOnHTTP429):
                metrics.retriedTotal.wrappingAdd(n, ordering: .relaxed)
                // Once per failing batch at warning level (then every 100th attempt), so an outage is visible but not noisy.
                if attempts == 1 || attempts % 100 == 0 {
                    logger.warning("remote write failed, retrying with backoff", metadata: [
                        "remote": "\(options.name)", "status": "\(r.status)", "attempt": "\(attempts)", "err": "\(r.transportError ?? String(r.body.prefix(300)))",
                    ])
                }
                try? await Task.sleep(for: r.retryAfter ?? backoff)
                backoff = Swift.min(backoff * 2, options.queue.maxBackoff)
            default:
                // One bad series (e.g. out of order after a crash between send and save) must
                // not drop the others: retry them one by one, then give up on what still fails.
                if batch.count > 1 {
                    for s in batch { guard await send([s], client: client) else { return false } }
                    return true
                }
                metrics.failedTotal.wrappingAdd(n, ordering: .relaxed)
                logger.warning("remote write: dropped samples the receiver refused", metadata: [
                    "remote": "\(options.name)", "status": "\(r.status)", "samples": "\(n)", "response": "\(r.body.prefix(300))",
                ])
                return true
            }
        }
        return false
    }

    /// Remote-write 1.0: a snappy-compressed `WriteRequest`.
    static func encode(_ batch: [PendingSeries], externalLabels: Labels) -> [UInt8] {
        var req = Prometheus_WriteRequest()
        req.timeseries = batch.map { s in
            var ts = Prometheus_TimeSeries()
            ts.labels = s.labels.map { l in var pl = Prometheus_Label(); pl.name = l.name; pl.value = l.value; return pl }
            ts.samples = s.samples.map { x in var ps = Prometheus_Sample(); ps.timestamp = x.t; ps.value = x.v; return ps }
            return ts
        }
        let bytes: [UInt8] = (try? req.serializedBytes()) ?? []
        return Snappy.encode(bytes)
    }

    /// More shards when a scan's sending took over half the deadline, fewer when idle.
    private func adjustShards(sendTime: Duration, samples: Int) {
        let q = options.queue
        var n = metrics.shards.load(ordering: .relaxed)
        if sendTime > q.batchSendDeadline / 2, samples > q.maxSamplesPerSend { n = Swift.min(q.maxShards, n * 2) }
        else if sendTime < q.batchSendDeadline / 20 { n = Swift.max(q.minShards, n - 1) }
        metrics.shards.store(n, ordering: .relaxed)
    }
}

/// Samples of one series on their way out.
struct PendingSeries: Sendable {
    let ref: UInt64
    let labels: Labels
    var samples: [Sample]
}

struct StopScan: Error {}

/// The scanning task's memory: positions, cursor, relabel results per series.
struct ScanState {
    let options: RemoteWriteOptions
    var positions: [UInt64: Timestamp] = [:]
    var cursor: Timestamp = 0
    private var relabelCache: [UInt64: Labels?] = [:]

    init(options: RemoteWriteOptions) { self.options = options }

    /// External labels added (series labels win), then write_relabel_configs; nil = drop.
    mutating func relabeled(_ ref: UInt64, _ labels: Labels) -> Labels? {
        if let cached = relabelCache[ref] { return cached }
        var l = labels
        if !options.externalLabels.isEmpty {
            var b = LabelsBuilder(labels)
            for e in options.externalLabels where labels[e.name] == nil { b.set(e.name, e.value) }
            l = b.labels()
        }
        let out = options.relabelRules.isEmpty ? l : Relabeling.process(l, options.relabelRules)
        relabelCache[ref] = .some(out)
        return out
    }
}
