import Foundation

/// A parsed JSON document: Kubernetes objects are read through this instead of per-kind Codable
/// structs, because discovery reads a few dozen fields out of objects with hundreds, and the
/// API adds fields every release. Missing fields read as `.null`, so lookups chain safely.
///
/// Objects are member arrays in document order, not dictionaries: informer caches hold every
/// object of a collection, and a small exact-size array costs about half of a hash table
/// (lookups scan a handful of keys). Equality is order-sensitive, which is what comparing two
/// versions of an object from the same server needs.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// One key and value of an object.
    struct Member: Sendable, Equatable {
        let key: String
        let value: JSONValue
    }

    /// Parses one JSON text.
    /// - Throws: `KubernetesError.malformed` when the bytes are not JSON.
    static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(KubernetesError) -> JSONValue {
        let result: Result<JSONValue, KubernetesError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(KubernetesError) in try JSONParser.parse(buffer) }
        }
        if let result { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(KubernetesError) in try JSONParser.parse(buffer) }
    }

    subscript(key: String) -> JSONValue {
        // The last duplicate wins, as with a dictionary.
        if case .object(let members) = self { return members.last { $0.key == key }?.value ?? .null }
        return .null
    }

    /// The string value, or nil for any other kind.
    var string: String? { if case .string(let s) = self { return s }; return nil }
    /// The string value or "" (Kubernetes omits empty strings).
    var str: String { string ?? "" }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var int: Int? { if case .number(let n) = self, n.rounded() == n, abs(n) < 1e15 { return Int(n) }; return nil }
    var array: [JSONValue] { if case .array(let a) = self { return a }; return [] }
    var object: [String: JSONValue] {
        guard case .object(let members) = self else { return [:] }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    }
    var isNull: Bool { self == .null }
    /// A string map such as `metadata.labels` (non-string values are skipped).
    var stringMap: [String: String] { object.compactMapValues(\.string) }
}

/// Accessors for the `metadata` every Kubernetes object has.
extension JSONValue {
    var name: String { self["metadata"]["name"].str }
    var namespace: String { self["metadata"]["namespace"].str }
    var resourceVersion: String { self["metadata"]["resourceVersion"].str }
    var labels: [String: String] { self["metadata"]["labels"].stringMap }
    var annotations: [String: String] { self["metadata"]["annotations"].stringMap }

    /// The first owner reference with `controller: true`.
    var controllerRef: JSONValue? {
        self["metadata"]["ownerReferences"].array.first { $0["controller"].bool == true }
    }

    /// `<namespace>/<name>`, or `<name>` for cluster-scoped objects (the informer cache key).
    var cacheKey: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}
