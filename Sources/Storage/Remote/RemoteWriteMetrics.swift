import Model
import Synchronization

/// Self-metrics of one remote-write queue, named like Prometheus's `prometheus_remote_storage_*`.
final class RemoteWriteMetrics: Sendable {
    let samplesTotal = Atomic<Int>(0)
    let failedTotal = Atomic<Int>(0)
    let retriedTotal = Atomic<Int>(0)
    let droppedTotal = Atomic<Int>(0)
    let pending = Atomic<Int>(0)
    let highestSentMs = Atomic<Int64>(0)
    let shards = Atomic<Int>(1)
    let requestsTotal = Atomic<Int>(0)

    func collect(remote: String, url: String) -> [StorageMetric] {
        let l = Labels(("remote_name", remote), ("url", url))
        func m(_ name: String, _ help: String, _ type: StorageMetric.Kind, _ v: Double) -> StorageMetric {
            StorageMetric(name: name, help: help, type: type, labels: l, value: v)
        }
        return [
            m("lantern_remote_storage_samples_total", "Samples sent to the remote and acknowledged.", .counter, Double(samplesTotal.load(ordering: .relaxed))),
            m("lantern_remote_storage_samples_failed_total", "Samples that failed with a non-retryable error (4xx other than 429) and were dropped.", .counter, Double(failedTotal.load(ordering: .relaxed))),
            m("lantern_remote_storage_samples_retried_total", "Samples sent again after a retryable error (5xx, 429, network).", .counter, Double(retriedTotal.load(ordering: .relaxed))),
            m("lantern_remote_storage_samples_dropped_total", "Samples not sent: dropped by write_relabel_configs or older than the maximum age.", .counter, Double(droppedTotal.load(ordering: .relaxed))),
            m("lantern_remote_storage_samples_pending", "Samples read from storage and not yet acknowledged.", .gauge, Double(pending.load(ordering: .relaxed))),
            m("lantern_remote_storage_queue_highest_sent_timestamp_seconds", "Newest sample time acknowledged by the remote.", .gauge, Double(highestSentMs.load(ordering: .relaxed)) / 1000),
            m("lantern_remote_storage_shards", "Shards sending in parallel.", .gauge, Double(shards.load(ordering: .relaxed))),
            m("lantern_remote_storage_requests_total", "Write requests sent (including retries).", .counter, Double(requestsTotal.load(ordering: .relaxed))),
        ]
    }
}
