internal import CCurl
import Foundation
import Synchronization

/// Runs Kubernetes API transfers (short lists and hour-long watches) on libcurl's multi
/// interface from one dedicated thread, delivering each body as a stream of byte chunks.
///
/// No transfer ever blocks Swift's cooperative pool: callers only await stream elements.
/// Terminating the stream (the consumer stops iterating or its task is cancelled) removes the
/// handle from the multi stack, which closes the connection.
final class StreamingCurlDriver: Sendable {
    /// The process-wide driver for discovery.
    static let shared = StreamingCurlDriver()

    private struct Inbox {
        var submitted: [StreamingTransfer] = []
        var cancelled: [UInt64] = []
        var nextID: UInt64 = 1
    }

    /// libcurl's multi handle is used only by the driver thread, except `curl_multi_wakeup`,
    /// which libcurl documents as callable from any thread.
    private struct SendableMulti: @unchecked Sendable { let handle: UnsafeMutableRawPointer }

    private let multi: SendableMulti
    private let inbox = Mutex(Inbox())

    init() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = SendableMulti(handle: curl_multi_init())
        let thread = Thread { [self] in self.loop() }
        thread.name = "lantern.k8s.curl"
        thread.start()
    }

    /// Starts a GET; the stream yields `.status` once, then `.bytes` chunks, and finishes at the
    /// end of the body or throws `KubernetesError` on a transport failure.
    func stream(_ request: StreamingRequest) -> AsyncThrowingStream<StreamingPart, any Error> {
        let (stream, continuation) = AsyncThrowingStream<StreamingPart, any Error>.makeStream()
        let id = inbox.withLock { box -> UInt64 in
            defer { box.nextID += 1 }
            return box.nextID
        }
        guard let transfer = StreamingTransfer(id: id, request: request, continuation: continuation) else {
            continuation.finish(throwing: KubernetesError.setup("curl_easy_init failed"))
            return stream
        }
        do {
            try transfer.configure()
        } catch {
            continuation.finish(throwing: error)
            return stream
        }
        continuation.onTermination = { [self] _ in
            inbox.withLock { $0.cancelled.append(id) }
            curl_multi_wakeup(multi.handle)
        }
        inbox.withLock { $0.submitted.append(transfer) }
        curl_multi_wakeup(multi.handle)
        return stream
    }

    /// Buffers a whole body (list requests).
    /// - Returns: the status and the body.
    /// - Throws: `KubernetesError` on transport failure, or `CancellationError`.
    func fetch(_ request: StreamingRequest) async throws -> (status: Int, body: [UInt8]) {
        var status = 0
        var body: [UInt8] = []
        for try await part in stream(request) {
            switch part {
            case .status(let s): status = s
            case .bytes(let b): body += b
            }
        }
        try Task.checkCancellation()
        return (status, body)
    }

    /// The driver thread: add new handles, drop cancelled ones, perform, finish completed ones.
    private func loop() {
        let multi = self.multi.handle
        var active: [UInt64: StreamingTransfer] = [:]
        while true {
            let (new, cancelled) = inbox.withLock { box -> ([StreamingTransfer], [UInt64]) in
                defer { box.submitted.removeAll(); box.cancelled.removeAll() }
                return (box.submitted, box.cancelled)
            }
            for t in new {
                active[t.id] = t
                curl_multi_add_handle(multi, t.handle)
            }
            for id in cancelled {
                // Submission always precedes termination in the inbox, so an unknown id is a
                // transfer that already completed (its stream's normal end also lands here).
                guard let t = active.removeValue(forKey: id) else { continue }
                curl_multi_remove_handle(multi, t.handle)
                t.continuation.finish()
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let msg = curl_multi_info_read(multi, &remaining) {
                guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle else { continue }
                var ctx: UnsafeMutableRawPointer?
                _ = withUnsafeMutablePointer(to: &ctx) { p in
                    p.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 1) { lantern_curl_get_private(easy, $0) }
                }
                let code = lantern_curl_msg_result(msg)
                curl_multi_remove_handle(multi, easy)
                guard let ctx else { continue }
                let t = Unmanaged<StreamingTransfer>.fromOpaque(ctx).takeUnretainedValue()
                active.removeValue(forKey: t.id)
                t.finish(code)
            }
            var fds: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &fds)
        }
    }
}
