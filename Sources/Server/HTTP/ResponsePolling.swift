import NIOCore
import NIOHTTP1
import Synchronization

/// After a connection writes the end of a response, keeps its event loop polling for a moment
/// (`LoopPoller`), so a client's next request on the keep-alive connection is read at once.
///
/// Why it exists: a loop with nothing to do blocks in `epoll_wait` and its CPU goes idle; on this
/// kind of virtual machine waking it again adds 20–50 µs to the next request — as much as
/// answering a label look-up. Go's scheduler, which Prometheus runs on, spins briefly before it
/// parks for the same reason. The cost is bounded: at most `LoopPoller.window` of polling per
/// response, nothing while no requests come.
final class ResponsePollingHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var poller: LoopPoller?

    func handlerAdded(context: ChannelHandlerContext) {
        poller = LoopPoller.of(context.eventLoop)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd { poller?.keepPolling() }
    }
}

/// One event loop's polling after responses: a timer every `step` until `window` after the
/// latest response, so the loop goes back to `epoll_wait` with a deadline microseconds away
/// instead of blocking (each tick is a poll for I/O, which runs between ticks as usual).
/// One per loop, however many connections it serves.
final class LoopPoller: @unchecked Sendable {  // safe: its state is touched only on its event loop
    static let window = TimeAmount.microseconds(60)
    static let step = TimeAmount.microseconds(2)

    private static let pollers = Mutex<[ObjectIdentifier: LoopPoller]>([:])

    /// The poller of `loop` (made on first use).
    static func of(_ loop: any EventLoop) -> LoopPoller {
        pollers.withLock { pollers in
            if let p = pollers[ObjectIdentifier(loop)] { return p }
            let p = LoopPoller(loop)
            pollers[ObjectIdentifier(loop)] = p
            return p
        }
    }

    private let loop: any EventLoop
    private var until = NIODeadline.uptimeNanoseconds(0)
    /// Whether a tick is scheduled, and how many ran (tests check polling happens and ends).
    private(set) var isPolling = false
    private(set) var ticks = 0

    private init(_ loop: any EventLoop) { self.loop = loop }

    /// Polls until `window` from now. Call on the loop.
    func keepPolling() {
        loop.preconditionInEventLoop()
        until = .now() + Self.window
        if isPolling { return }
        isPolling = true
        tick()
    }

    private func tick() {
        loop.assumeIsolated().scheduleTask(in: Self.step) {
            self.ticks &+= 1
            if NIODeadline.now() < self.until { self.tick() } else { self.isPolling = false }
        }
    }
}
