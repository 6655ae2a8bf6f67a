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

    /// Whether an `Accept-Encoding` value allows gzip (and does not refuse it with q=0). Spaces
    /// and tabs are ignored and letters compared without case.
    public static func accepts(_ header: String?) -> Bool {
        guard var header else { return false }
        return header.withUTF8 { accepts(bytes: $0) }
    }

    private static func accepts(bytes b: UnsafeBufferPointer<UInt8>) -> Bool {
        var partStart = 0
        while partStart < b.count {
            var partEnd = partStart
            while partEnd < b.count && b[partEnd] != UInt8(ascii: ",") { partEnd += 1 }
            // The part's fields: the coding, then parameters after `;`.
            var fieldStart = partStart
            var isCoding = true
            var matches = false
            while fieldStart <= partEnd {
                var fieldEnd = fieldStart
                while fieldEnd < partEnd && b[fieldEnd] != UInt8(ascii: ";") { fieldEnd += 1 }
                let field = UnsafeBufferPointer(rebasing: b[fieldStart..<fieldEnd])
                if isCoding {
                    matches = equalsIgnoringBlanks(field, "gzip") || equalsIgnoringBlanks(field, "*")
                    if !matches { break }
                    isCoding = false
                } else if ["q=0", "q=0.0", "q=0.00", "q=0.000"].contains(where: { equalsIgnoringBlanks(field, $0) }) {
                    return false
                }
                fieldStart = fieldEnd + 1
            }
            if matches { return true }
            partStart = partEnd + 1
        }
        return false
    }

    /// Whether `field`, spaces and tabs removed and ASCII letters lowercased, is `word`.
    private static func equalsIgnoringBlanks(_ field: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        word.withUTF8Buffer { w in
            var k = 0
            for c in field where c != UInt8(ascii: " ") && c != UInt8(ascii: "\t") {
                let lower = c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c + 32 : c
                guard k < w.count, w[k] == lower else { return false }
                k += 1
            }
            return k == w.count
        }
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
