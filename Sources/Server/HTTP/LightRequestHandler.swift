import NIOCore
import NIOHTTP1
import Query

/// Answers the light look-ups (`LightResponder`) right in the channel pipeline, as soon as a
/// request is decoded, and passes every other request on to Hummingbird.
///
/// Why it exists: a request through Hummingbird's async channel, router and middleware costs
/// about 20 µs of CPU on top of reading and writing it — more than the look-up itself for label
/// names and values, whose median latency the query API's goal holds at Prometheus's. Only
/// plain keep-alive HTTP/1.1 GETs without a body are taken, and only while no earlier request
/// on the connection awaits its answer, so responses keep their order. It is installed only
/// when the web configuration sets neither authentication nor extra headers (the router's
/// middleware would have to run for those).
final class LightRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Current {
        case idle
        /// The request goes to the router, every part of it.
        case passing
        /// The request is answered here when its end arrives.
        case answering(LightResponse, gzip: Bool)
    }

    private let responder: LightResponder
    private var current = Current.idle
    /// Requests handed to the router whose response has not been written to its end.
    private var awaitingRouter = 0

    init(_ responder: LightResponder) { self.responder = responder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if awaitingRouter == 0, let response = answer(head) {
                let gzip = GzipEncoding.accepts(head.headers.first(name: "accept-encoding"))
                // A body to compress off the loop goes the router's way (GzipMiddleware).
                if !gzip || response.body.count < GzipEncoding.inlineBytes {
                    current = .answering(response, gzip: gzip)
                    return
                }
            }
            current = .passing
            awaitingRouter += 1
            context.fireChannelRead(data)
        case .body:
            // An answered request has no body (checked on its head).
            if case .passing = current { context.fireChannelRead(data) }
        case .end:
            if case .answering(let response, let gzip) = current {
                current = .idle
                write(response, gzip: gzip, context: context)
            } else {
                current = .idle
                context.fireChannelRead(data)
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), awaitingRouter > 0 { awaitingRouter -= 1 }
        context.write(data, promise: promise)
    }

    /// The light answer for `head`, or nil to pass the request on.
    private func answer(_ head: HTTPRequestHead) -> LightResponse? {
        guard head.method == .GET, head.version == .http1_1, head.isKeepAlive,
              head.headers.first(name: "transfer-encoding") == nil,
              head.headers.first(name: "content-length").map({ $0 == "0" }) ?? true
        else { return nil }
        let target = head.uri[...]
        guard target.first == "/" else { return nil }
        if let q = target.firstIndex(of: "?") {
            return responder.answer(target[..<q], target[target.index(after: q)...])
        }
        return responder.answer(target, nil)
    }

    /// Writes `response` as Hummingbird would (same headers but for the `Date` value's second).
    private func write(_ response: LightResponse, gzip: Bool, context: ChannelHandlerContext) {
        var body = context.channel.allocator.buffer(bytes: response.body)
        var headers = HTTPHeaders()
        headers.reserveCapacity(5)
        headers.add(name: "Content-Type", value: response.contentType)
        if gzip, body.readableBytes >= GzipEncoding.minimumBytes, let compressed = try? GzipEncoding.compress(body) {
            body = compressed
            headers.add(name: "Content-Encoding", value: "gzip")
            headers.add(name: "Vary", value: "Accept-Encoding")
        }
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Date", value: HTTPDate.now)
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
