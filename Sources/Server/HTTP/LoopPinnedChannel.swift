import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Serves each connection with a task that prefers the connection's own event loop, so a
/// request, its handler and its response stay on one thread unless the handler moves off
/// (`OffLoopMiddleware` does that for everything but the light look-ups). With `light`, the
/// lightest are answered in the pipeline itself (`LightRequestHandler`), right after decoding;
/// after every response the loop polls for a moment (`ResponsePollingHandler`).
struct LoopPinnedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    var light: LightResponder?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let light = self.light
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            // Inbound: decoder → light answers → the rest; every response passes the poller.
            if let light { try pipeline.addHandler(LightRequestHandler(light), position: .after(decoder.handler)) }
            try pipeline.addHandler(ResponsePollingHandler(), position: .after(decoder.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}
