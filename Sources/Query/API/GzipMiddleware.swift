import CompressNIO
public import Hummingbird
import HTTPTypes
public import NIOCore

/// Compresses responses with gzip when the client sends `Accept-Encoding: gzip`, as
/// Prometheus's `httputil.CompressionHandler` does. Only bodies of known length (rendered
/// JSON) are compressed; streaming bodies pass through untouched so they keep streaming.
/// Add it to a router before the routes it should wrap.
public struct GzipMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Bodies smaller than this are sent as they are (gzip would only add overhead).
    let minimumBytes: Int

    public init(minimumBytes: Int = GzipEncoding.minimumBytes) { self.minimumBytes = minimumBytes }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard GzipEncoding.accepts(request.headers[.acceptEncoding]),
              response.headers[.contentEncoding] == nil,
              let length = response.body.contentLength, length >= minimumBytes
        else { return response }
        let box = CollectedBody()
        try await response.body.write(CollectingWriter(box: box))
        let plain = box.buffer
        // A large body is compressed on the cooperative pool: the request may be running on its
        // connection's event loop, which other connections share.
        let compressed = length < GzipEncoding.inlineBytes
            ? try GzipEncoding.compress(plain)
            : try await withTaskExecutorPreference(globalConcurrentExecutor) { try GzipEncoding.compress(plain) }
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        response.headers[values: .vary] = ["Accept-Encoding"]
        response.body = .init(byteBuffer: compressed)
        return response
    }
}

/// The gzip rules of the HTTP API, shared by the middleware and the event-loop answers of
/// the light look-ups (`LightRequestHandler` in Server), so both encode alike.
public enum GzipEncoding {
    /// Bodies smaller than this are sent as they are (gzip would only add overhead).
    public static let minimumBytes = 256

    /// Bodies up to this size are compressed where the request runs (well under a millisecond).
    public static let inlineBytes = 64 << 10

    /// Whether an `Accept-Encoding` value allows gzip (and does not refuse it with q=0).
    public static func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { String($0.filter { $0 != " " && $0 != "\t" }) }
            guard let coding = fields.first?.lowercased(), coding == "gzip" || coding == "*" else { continue }
            if fields.dropFirst().contains(where: { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }) { return false }
            return true
        }
        return false
    }

    /// `plain` as a gzip member.
    public static func compress(_ plain: ByteBuffer) throws -> ByteBuffer {
        var plain = plain
        return try plain.compress(with: .gzip())
    }
}

/// Holds the collected bytes; used by one task only (the middleware's).
private final class CollectedBody: @unchecked Sendable {  // safe: written then read by one task, sequentially
    var buffer = ByteBuffer()
}

private struct CollectingWriter: ResponseBodyWriter {
    let box: CollectedBody
    mutating func write(_ buffer: ByteBuffer) async throws {
        var b = buffer
        box.buffer.writeBuffer(&b)
    }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
