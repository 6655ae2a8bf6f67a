internal import Yams

/// Strict-decoding helpers every config type calls from `init(from:)`.
///
/// Codable ignores keys a type does not declare; Prometheus rejects them (`UnmarshalStrict`), and
/// Lantern must also tell apart keys Prometheus knows but Lantern does not implement ("not supported")
/// from keys nobody knows ("not found"). These helpers do that check and attach the key path and line.
extension Decoder {
    /// Rejects keys outside `known`. Unsupported keys are reported first, so a file that uses an
    /// out-of-scope feature always says so rather than failing on something else.
    /// - Parameters:
    ///   - known: every key the type decodes (including inlined HTTP client keys).
    ///   - type: the type name used in "field x not found in type T".
    ///   - unsupported: keys Prometheus knows that Lantern refuses, with a reason.
    ///   - discoveryKeys: whether `<name>_sd_configs` keys belong here (scrape jobs, alertmanagers).
    func checkKeys(_ known: Set<String>, type: String, unsupported: [String: String] = [:], discoveryKeys: Bool = false) throws {
        let keys = try presentKeys()
        for (key, line, column) in keys {
            var reason = unsupported[key]
            if reason == nil, discoveryKeys, ServiceDiscovery.unsupported.contains(key) {
                reason = "Lantern implements only " + ServiceDiscovery.supported.joined(separator: ", ")
            }
            if let reason {
                throw ConfigError(.unsupported, "\(key) is not supported by lantern (\(reason))",
                                  keyPath: KeyPath.join(KeyPath.string(codingPath), key), line: line, column: column)
            }
        }
        for (key, line, column) in keys where !known.contains(key) {
            throw ConfigError(.unknownField, "field \(quoted(key)) not found in type \(type)",
                              keyPath: KeyPath.string(codingPath), line: line, column: column)
        }
    }

    /// The keys of this mapping in document order, with their positions when decoding YAML.
    private func presentKeys() throws -> [(String, Int?, Int?)] {
        if let node = self as? NodeDecoder {
            return try node.mappingPairs(for: "a mapping").map { ($0.key, $0.keyNode.mark?.line, $0.keyNode.mark?.column) }
        }
        return try container(keyedBy: AnyKey.self).allKeys.map { ($0.stringValue, nil, nil) }
    }

    /// Whether the value being decoded is YAML null (`~`, `null`, or nothing at all).
    var isNullValue: Bool {
        if let node = self as? NodeDecoder { return node.isNull }
        return (try? singleValueContainer().decodeNil()) ?? false
    }

    /// `error` with this value's key path and position filled in where it has none.
    func error(from error: ConfigError) -> ConfigError {
        var e = error
        if e.keyPath.isEmpty { e.keyPath = KeyPath.string(codingPath) }
        if e.line == nil, let node = self as? NodeDecoder, let mark = node.node.mark {
            e.line = mark.line
            e.column = mark.column
        }
        return e
    }

    /// A `.type` error about the value being decoded.
    func typeError(_ message: String) -> ConfigError { error(from: ConfigError(.type, message)) }
}

extension KeyedDecodingContainer {
    /// The value for `key`, or `fallback` when the key is absent or null.
    func value<T: Decodable>(_ key: Key, _ fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }

    /// Whether the key is present at all, even with a null value.
    func has(_ key: Key) -> Bool { contains(key) }
}

/// The service-discovery mechanisms Prometheus has, and the ones Lantern implements.
enum ServiceDiscovery {
    static let supported = ["static_configs", "file_sd_configs", "kubernetes_sd_configs", "http_sd_configs"]

    /// Every other `<name>_sd_configs` key of Prometheus 3.
    static let unsupported: Set<String> = Set([
        "aws", "azure", "consul", "digitalocean", "dns", "docker", "dockerswarm", "ec2", "eureka", "gce",
        "hetzner", "ionos", "kuma", "lightsail", "linode", "marathon", "nerve", "nomad", "oci", "openstack",
        "outscale", "ovhcloud", "puppetdb", "scaleway", "serverset", "stackit", "triton", "uyuni", "vultr",
    ].map { $0 + "_sd_configs" })
}

/// Decodes a list element that may be YAML null, so the owner can name the null entry.
struct Nullable<T: Decodable>: Decodable {
    var value: T?
    init(from decoder: any Decoder) throws { value = decoder.isNullValue ? nil : try T(from: decoder) }
}

extension KeyedDecodingContainer {
    /// A list whose null entries are errors with Prometheus's message (`empty or null … section`).
    func list<T: Decodable>(_ key: Key, nullMessage: String) throws -> [T] {
        guard contains(key) else { return [] }
        let d = try superDecoder(forKey: key)
        let items = try [Nullable<T>](from: d)
        var out: [T] = []
        for (i, item) in items.enumerated() {
            guard let v = item.value else {
                throw ConfigError(.invalid, nullMessage, keyPath: KeyPath.index(KeyPath.string(d.codingPath), i))
            }
            out.append(v)
        }
        return out
    }
}
