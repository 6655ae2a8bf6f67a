import HummingbirdCore
import Logging
import NIOCore

/// Serves each connection with a task that prefers the connection's own event loop, so a
/// request, its handler and its response stay on one thread unless the handler moves off
/// (`OffLoopMiddleware` does that for everything but the light look-ups).
struct LoopPinnedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}
