public import Config
/// The text formats Lantern can parse.
public enum ExpositionFormat: String, Sendable, Hashable, CaseIterable {
    /// Prometheus text format 0.0.4 (`text/plain`).
    case prometheusText = "prometheus-text"
    /// OpenMetrics 1.0 text (`application/openmetrics-text`).
    case openMetrics = "openmetrics"

    /// The media type Prometheus matches for this format.
    public var mediaType: String {
        switch self {
        case .prometheusText: "text/plain"
        case .openMetrics: "application/openmetrics-text"
        }
    }

    /// The outcome of ``negotiate(contentType:fallback:)``.
    public struct Negotiation: Sendable, Equatable {
        /// The format to parse with.
        public var format: ExpositionFormat
        /// Set when the fallback protocol was used; Prometheus logs this as a warning.
        public var warning: String?
    }

    /// Chooses the parser for a response like Prometheus's `textparse.New`/`extractMediaType`:
    /// `application/openmetrics-text` → OpenMetrics, `text/plain` → text format; a missing,
    /// malformed or unknown type uses `fallback` (the scrape config's `fallback_scrape_protocol`)
    /// with a warning, or fails without one.
    /// - Parameters:
    ///   - contentType: the `Content-Type` header value, nil or empty if absent.
    ///   - fallback: the protocol to assume when the header does not help.
    /// - Throws: ``ContentTypeError`` when there is no usable type and no fallback, or the
    ///   type/fallback is the protobuf format, which Lantern does not parse.
    public static func negotiate(contentType: String?, fallback: ScrapeProtocol?) throws(ContentTypeError) -> Negotiation {
        let header = contentType ?? ""
        let fallbackFormat = fallback?.format
        func useFallback(_ reason: String) throws(ContentTypeError) -> Negotiation {
            guard let fallback else { throw ContentTypeError(message: reason + " and no fallback_scrape_protocol specified for target") }
            guard let format = fallbackFormat else {
                throw ContentTypeError(message: "fallback_scrape_protocol \(fallback.rawValue) is not supported")
            }
            return Negotiation(format: format, warning: reason + ", using fallback_scrape_protocol \"\(fallback.rawValue)\"")
        }
        if header.isEmpty { return try useFallback("non-compliant scrape target sending blank Content-Type") }
        guard let mediaType = MediaType.parse(header) else {
            return try useFallback("could not parse received Content-Type \"\(header)\"")
        }
        switch mediaType {
        case "application/openmetrics-text": return Negotiation(format: .openMetrics, warning: nil)
        case "text/plain": return Negotiation(format: .prometheusText, warning: nil)
        case "application/vnd.google.protobuf":
            throw ContentTypeError(message: "protobuf exposition format is not supported")
        default:
            return try useFallback("received unsupported Content-Type \"\(header)\"")
        }
    }
}

/// The response's `Content-Type` does not select a parser; the scrape fails with this message.
public struct ContentTypeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, in Prometheus's words.
    public let message: String
    public var description: String { message }
}

/// A minimal `mime.ParseMediaType`: lower-cased `type/subtype`, parameters checked for shape.
/// Works on the header's UTF-8 bytes (it runs once per scrape; by Character it cost ~20 µs).
enum MediaType {
    static func parse(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        var parts = bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).makeIterator()
        guard let first = parts.next() else { return nil }
        let media = trimmingBlanks(first).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        let pieces = media.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isTokenByte) }) else { return nil }
        while let param = parts.next() {
            let p = trimmingBlanks(param)
            if p.isEmpty { continue }
            guard let eq = p.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = p[..<eq], value = p[(eq + 1)...]
            guard !key.isEmpty, key.allSatisfy(isTokenByte) else { return nil }
            let quote = UInt8(ascii: "\"")
            let quotedValue = value.count >= 2 && value.first == quote && value.last == quote
            guard quotedValue || (!value.isEmpty && value.allSatisfy(isTokenByte)) else { return nil }
        }
        return String(decoding: media, as: UTF8.self)
    }

    /// RFC 2045 token characters (printable ASCII except the separators).
    static func isTokenByte(_ b: UInt8) -> Bool {
        guard b > 0x20, b < 0x7F else { return false }
        switch b {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
             UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="):
            return false
        default:
            return true
        }
    }

    private static func trimmingBlanks(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 0x20 || f == 0x09 { s.removeFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 { s.removeLast() }
        return s
    }
}
