/// The subset of Go's `url.Parse` that decides whether Prometheus accepts a URL at load time.
///
/// Prometheus only parses URLs when loading (`localhost:9090` is accepted: its "scheme" is
/// `localhost`); what it refuses are malformed escapes, control characters, an unterminated IPv6
/// literal, or a missing scheme before a colon. Foundation's `URL` is stricter in other places, so
/// this mirrors Go's rules instead and reports Go's messages.
enum URLSyntax {
    struct Parsed: Equatable {
        var scheme: String
        var host: String
    }

    static func parse(_ s: String) throws(ConfigError) -> Parsed {
        func fail(_ why: String) -> ConfigError { ConfigError(.type, "parse \(quoted(s)): \(why)") }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw fail("net/url: invalid control character in URL")
        }
        try checkEscapes(s, fail)
        var rest = Substring(s)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var scheme = ""
        if let colon = rest.firstIndex(of: ":") {
            let candidate = rest[..<colon]
            if candidate.isEmpty { throw fail("missing protocol scheme") }
            if let first = candidate.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
               candidate.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) }) {
                scheme = candidate.lowercased()
                rest = rest[rest.index(after: colon)...]
            }
        }
        if let q = rest.firstIndex(of: "?") { rest = rest[..<q] }
        var host = ""
        if rest.hasPrefix("//") {
            let authority = rest.dropFirst(2).prefix { $0 != "/" }
            var hostPort = authority
            if let at = authority.lastIndex(of: "@") { hostPort = authority[authority.index(after: at)...] }
            if hostPort.hasPrefix("[") {
                guard let close = hostPort.firstIndex(of: "]") else { throw fail("missing ']' in host") }
                let after = hostPort[hostPort.index(after: close)...]
                if !after.isEmpty && !after.hasPrefix(":") {
                    throw fail("invalid port \(quoted(String(after))) after host")
                }
                host = String(hostPort[...close])
            } else {
                host = String(hostPort.prefix { $0 != ":" })
            }
        } else if scheme.isEmpty, let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains("/") {
            throw fail("first path segment in URL cannot contain colon")
        }
        return Parsed(scheme: scheme, host: host)
    }

    private static func checkEscapes(_ s: String, _ fail: (String) -> ConfigError) throws(ConfigError) {
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, isHex(b[i + 1]), isHex(b[i + 2]) else {
                    let end = min(i + 3, b.count)
                    throw fail("invalid URL escape \(quoted(String(decoding: b[i..<end], as: UTF8.self)))")
                }
                i += 3
            } else {
                i += 1
            }
        }
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
    }
}

/// A URL from the configuration, kept as written and checked with Go's parsing rules.
///
/// Exists so that remote_write/remote_read `url`, `proxy_url` and Kubernetes `api_server` reject what
/// Prometheus rejects at load time and nothing more.
public struct ConfigURL: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The URL exactly as written.
    public var string: String
    /// The lower-cased scheme (`http`, `https`; `localhost` for `localhost:9090`, as in Go).
    public var scheme: String { (try? URLSyntax.parse(string).scheme) ?? "" }
    /// The host part (with port stripped; IPv6 literals keep their brackets).
    public var host: String { (try? URLSyntax.parse(string).host) ?? "" }

    /// Checks `string` and wraps it.
    /// - Throws: `ConfigError` (`.type`) with Go's parse message.
    public init(_ string: String) throws(ConfigError) {
        _ = try URLSyntax.parse(string)
        self.string = string
    }

    public var description: String { string }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(s) } catch { throw decoder.error(from: error) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(string)
    }
}
