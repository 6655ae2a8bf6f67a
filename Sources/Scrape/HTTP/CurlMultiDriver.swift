internal import CCurl
import Foundation
import Synchronization

/// Runs every scrape transfer on libcurl's multi interface from one dedicated thread, so
/// a thousand targets cost one thread and no transfer ever blocks Swift's cooperative pool.
/// A scrape awaits its transfer's completion; cancelling the task removes the handle.
public final class CurlMultiDriver: Sendable {
    /// The process-wide driver (libcurl's connection cache keeps keep-alive connections per target).
    public static let shared = CurlMultiDriver()

    private struct Inbox {
        var submitted: [CurlTransfer] = []
        var cancelled: [UInt64] = []
        var nextID: UInt64 = 1
    }

    private let multi: SendableMulti
    private let inbox = Mutex(Inbox())

    /// libcurl's multi handle is used only by the driver thread, except `curl_multi_wakeup`,
    /// which libcurl documents as callable from any thread.
    private struct SendableMulti: @unchecked Sendable { let handle: UnsafeMutableRawPointer }

    public init() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = SendableMulti(handle: curl_multi_init())
        // Keep one idle keep-alive connection per target, as Prometheus's HTTP client does.
        // libcurl's default cache holds 4 × the handles added at a time (a few, since scrapes
        // are spread over the interval), so most scrapes opened a new connection.
        _ = lantern_curl_multi_set_long(multi.handle, CURLMOPT_MAXCONNECTS, Self.connectionCacheSize())
        let thread = Thread { [self] in self.loop() }
        thread.name = "lantern.curl"
        thread.start()
    }

    /// Half the open-file limit (the rest is for the database, clients and discovery), at most 65,536.
    static func connectionCacheSize() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(min(UInt64(65_536), max(UInt64(64), UInt64(limit.rlim_cur) / 2)))
    }

    /// Performs one transfer.
    /// - Throws: `HTTPScrapeError` (timeout, transport, non-200 status, body size limit, cancelled).
    public func perform(_ request: HTTPScrapeRequest) async throws -> HTTPScrapeResponse {
        let id = inbox.withLock { box -> UInt64 in
            defer { box.nextID += 1 }
            return box.nextID
        }
        guard let transfer = CurlTransfer(id: id, request: request) else {
            throw HTTPScrapeError(kind: .transport, url: request.url, message: "curl_easy_init failed")
        }
        try transfer.configure()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<HTTPScrapeResponse, any Error>) in
                transfer.continuation = cont
                self.inbox.withLock { $0.submitted.append(transfer) }
                curl_multi_wakeup(self.multi.handle)
            }
        } onCancel: {
            self.inbox.withLock { $0.cancelled.append(id) }
            curl_multi_wakeup(self.multi.handle)
        }
    }

    /// The driver thread: add new handles, drop cancelled ones, perform, complete the finished.
    private func loop() {
        let multi = self.multi.handle
        var active: [UInt64: CurlTransfer] = [:]
        var cancelledEarly = Set<UInt64>()
        while true {
            let (new, cancelled) = inbox.withLock { box -> ([CurlTransfer], [UInt64]) in
                defer { box.submitted.removeAll(); box.cancelled.removeAll() }
                return (box.submitted, box.cancelled)
            }
            for t in new {
                if cancelledEarly.remove(t.id) != nil {
                    Self.resume(t, with: .failure(HTTPScrapeError(kind: .cancelled, url: t.request.url, message: "cancelled")))
                    continue
                }
                active[t.id] = t
                curl_multi_add_handle(multi, t.handle)
            }
            for id in cancelled {
                guard let t = active.removeValue(forKey: id) else {
                    cancelledEarly.insert(id)
                    continue
                }
                curl_multi_remove_handle(multi, t.handle)
                Self.resume(t, with: .failure(HTTPScrapeError(kind: .cancelled, url: t.request.url, message: "cancelled")))
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
                let t = Unmanaged<CurlTransfer>.fromOpaque(ctx).takeUnretainedValue()
                active.removeValue(forKey: t.id)
                Self.resume(t, with: t.finish(code))
            }
            var fds: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &fds)
        }
    }

    private static func resume(_ t: CurlTransfer, with result: Result<HTTPScrapeResponse, HTTPScrapeError>) {
        guard let cont = t.continuation else { return }
        t.continuation = nil
        switch result {
        case .success(let r): cont.resume(returning: r)
        case .failure(let e): cont.resume(throwing: e)
        }
    }
}
