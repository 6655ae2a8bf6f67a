import Foundation

/// List and watch requests against one API server (JSON only).
struct KubernetesClient: Sendable {
    let connection: APIConnection
    let userAgent: String
    let driver: StreamingCurlDriver

    /// One collection read by an informer: a path plus the selectors sent with every request.
    struct Collection: Sendable, Hashable, CustomStringConvertible {
        var path: String
        var labelSelector = ""
        var fieldSelector = ""
        var description: String { path }

        var selectorQuery: [(String, String)] {
            var q: [(String, String)] = []
            if !labelSelector.isEmpty { q.append(("labelSelector", labelSelector)) }
            if !fieldSelector.isEmpty { q.append(("fieldSelector", fieldSelector)) }
            return q
        }
    }

    /// A collection's items and the resource version to watch from.
    struct ListResult: Sendable {
        var items: [JSONValue]
        var resourceVersion: String
    }

    static let pageSize = 500

    /// Lists a collection, following `continue` tokens.
    /// - Throws: `KubernetesError` (status, transport, malformed body), `CancellationError`.
    func list(_ collection: Collection) async throws -> ListResult {
        var items: [JSONValue] = []
        var token = ""
        while true {
            var query = collection.selectorQuery + [("limit", String(Self.pageSize))]
            if !token.isEmpty { query.append(("continue", token)) }
            let (status, body) = try await driver.fetch(request(collection.path, query: query, timeout: .seconds(60)))
            guard status == 200 else { throw KubernetesError.status(status, "list \(collection.path): \(Self.statusMessage(body))") }
            let doc = try JSONValue.parse(body)
            guard case .object = doc else { throw KubernetesError.malformed("list \(collection.path): not an object") }
            items += doc["items"].array
            token = doc["metadata"]["continue"].str
            if token.isEmpty { return ListResult(items: items, resourceVersion: doc["metadata"]["resourceVersion"].str) }
        }
    }

    /// Opens a watch from `resourceVersion`.
    /// - Parameter timeoutSeconds: asks the server to end the stream after this long.
    func watch(_ collection: Collection, resourceVersion: String, timeoutSeconds: Int) -> WatchEvents {
        var query = collection.selectorQuery
        query += [("watch", "true"), ("allowWatchBookmarks", "true"), ("timeoutSeconds", String(timeoutSeconds))]
        if !resourceVersion.isEmpty { query.append(("resourceVersion", resourceVersion)) }
        // The server ends the stream after `timeoutSeconds`; the transfer limit a minute later
        // drops a peer that silently died, so the informer re-watches.
        let r = request(collection.path, query: query, timeout: .seconds(timeoutSeconds + 60))
        return WatchEvents(parts: driver.stream(r), path: collection.path)
    }

    private func request(_ path: String, query: [(String, String)], timeout: Duration) -> StreamingRequest {
        var r = StreamingRequest(url: connection.baseURL + path + "?" + Self.encode(query))
        r.timeout = timeout
        r.tls = connection.tls
        r.proxyURL = connection.proxyURL
        r.followRedirects = connection.followRedirects
        r.headers = [("Accept", "application/json"), ("User-Agent", userAgent)] + connection.currentHeaders()
        if let creds = try? connection.credentials() {
            if let h = creds.header { r.headers.append(("Authorization", h)) }
            r.basicAuth = creds.basic
        }
        return r
    }

    static func encode(_ query: [(String, String)]) -> String {
        query.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s }

    /// The `message` of a Kubernetes `Status` body, or the raw text.
    static func statusMessage(_ body: [UInt8]) -> String {
        if let doc = try? JSONValue.parse(body), let m = doc["message"].string { return m }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}

/// One decoded watch event.
struct WatchEvent: Sendable {
    enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR" }
    var kind: Kind
    var object: JSONValue
}

/// The events of one watch response, split on newlines whatever the chunking.
/// Throws `KubernetesError` for a non-200 status (410 is `.expired`), malformed lines and transport errors.
struct WatchEvents: AsyncSequence {
    typealias Element = WatchEvent
    let parts: AsyncThrowingStream<StreamingPart, any Error>
    let path: String

    func makeAsyncIterator() -> Iterator { Iterator(parts: parts.makeAsyncIterator(), path: path) }

    struct Iterator: AsyncIteratorProtocol {
        var parts: AsyncThrowingStream<StreamingPart, any Error>.AsyncIterator
        let path: String
        var buffer: [UInt8] = []
        /// Start of the unread bytes in `buffer`; consumed bytes are dropped in bulk, not per line.
        var start = 0
        var status = 0

        mutating func next() async throws -> WatchEvent? {
            while true {
                if status == 200, let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = buffer[start..<nl]
                    start = nl + 1
                    if start == buffer.count || start > 65536 {
                        buffer.removeSubrange(..<start)
                        start = 0
                    }
                    if Self.isBlank(line) { continue }
                    return try Self.decode(line, path: path)
                }
                guard let part = try await parts.next() else {
                    try Task.checkCancellation()
                    let rest = buffer[start...]
                    if status != 200 { throw KubernetesError.status(status, "watch \(path): \(KubernetesClient.statusMessage(Array(rest)))") }
                    // A final line without newline still counts.
                    if Self.isBlank(rest) { return nil }
                    start = buffer.count
                    return try Self.decode(rest, path: path)
                }
                switch part {
                case .status(let s): status = s
                case .bytes(let b): buffer += b
                }
            }
        }

        static func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 } }

        static func decode(_ line: ArraySlice<UInt8>, path: String) throws -> WatchEvent {
            let doc = try JSONValue.parse(line)
            guard let kind = WatchEvent.Kind(rawValue: doc["type"].str) else {
                throw KubernetesError.malformed("watch \(path): unknown event type \(doc["type"].str)")
            }
            return WatchEvent(kind: kind, object: doc["object"])
        }
    }
}
