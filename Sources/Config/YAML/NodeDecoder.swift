internal import Yams

/// A `Decoder` over a composed Yams node tree, strict in the ways Prometheus is strict.
///
/// Yams' own `YAMLDecoder` types scalars by YAML 1.2-ish rules and reports positions poorly. This
/// decoder types scalars as go-yaml v2 does (`YAMLScalar`), keeps the node of every value so an error
/// can name its line, and throws `ConfigError` with the key path of the value being decoded.
struct NodeDecoder: Decoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: Node, codingPath: [any CodingKey] = []) {
        self.node = node
        self.codingPath = codingPath
    }

    func child(_ node: Node, _ key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, codingPath: codingPath + [key])
    }

    var keyPath: String { KeyPath.string(codingPath) }

    func error(_ code: ConfigError.Code, _ message: String, at mark: Mark? = nil) -> ConfigError {
        let m = mark ?? node.mark
        return ConfigError(code, message, keyPath: keyPath, line: m?.line, column: m?.column)
    }

    var isNull: Bool {
        if case .scalar(let s) = node { return YAMLScalar(s).kind == .null }
        return false
    }

    /// A readable name for the YAML kind of this node, for type errors.
    var kindName: String {
        switch node {
        case .scalar(let s): return YAMLScalar(s).tagName + " " + quoted(s.string)
        case .mapping: return "!!map"
        case .sequence: return "!!seq"
        case .alias: return "alias"
        }
    }

    /// The key/value pairs of a mapping (a null node counts as an empty mapping, as in go-yaml).
    func mappingPairs(for typeName: String) throws -> [(key: String, keyNode: Node, value: Node)] {
        switch node {
        case .mapping(let m):
            var pairs: [(key: String, keyNode: Node, value: Node)] = []
            var merged: [Node] = []
            for pair in m {
                guard case .scalar(let s) = pair.key else {
                    throw error(.type, "mapping keys must be scalars", at: pair.key.mark)
                }
                if s.string == "<<", s.style == .plain || s.style == .any {
                    // YAML merge key, as go-yaml supports: `<<: *defaults` or `<<: [*a, *b]`.
                    if case .sequence(let seq) = pair.value { merged += Array(seq) } else { merged.append(pair.value) }
                    continue
                }
                pairs.append((try YAMLScalar(s).stringValue(), pair.key, pair.value))
            }
            for source in merged {
                guard case .mapping = source else { throw error(.type, "map merge requires map or sequence of maps as the value", at: source.mark) }
                for pair in try NodeDecoder(node: source, codingPath: codingPath).mappingPairs(for: typeName)
                where !pairs.contains(where: { $0.key == pair.key }) {
                    pairs.append(pair)
                }
            }
            return pairs
        case .scalar where isNull:
            return []
        default:
            throw error(.type, "cannot unmarshal \(kindName) into \(typeName)")
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(NodeKeyedContainer<Key>(decoder: self, pairs: try mappingPairs(for: "a mapping")))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch node {
        case .sequence(let s): return NodeUnkeyedContainer(decoder: self, nodes: Array(s))
        case .scalar where isNull: return NodeUnkeyedContainer(decoder: self, nodes: [])
        default: throw error(.type, "cannot unmarshal \(kindName) into a list")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { NodeSingleValueContainer(decoder: self) }

    // MARK: scalars

    func scalar(_ what: String) throws -> YAMLScalar {
        guard case .scalar(let s) = node else { throw error(.type, "cannot unmarshal \(kindName) into \(what)") }
        return YAMLScalar(s)
    }

    func decodeString() throws -> String {
        let s = try scalar("a string")
        do { return try s.stringValue() } catch let e as ConfigError { throw error(e.code, e.message) }
    }

    func decodeBool() throws -> Bool {
        let s = try scalar("a boolean")
        switch s.kind {
        case .bool(let b): return b
        case .null: return false
        default: throw error(.type, "cannot unmarshal \(kindName) into a boolean")
        }
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let what = T.isSigned ? "an integer" : "an unsigned integer"
        let s = try scalar(what)
        let value: T?
        switch s.kind {
        case .int(let i): value = T(exactly: i)
        case .uint(let u): value = T(exactly: u)
        case .float(let d): value = d.isFinite && d.rounded() == d ? T(exactly: d) : nil
        case .null: value = 0
        default: value = nil
        }
        guard let value else { throw error(.type, "cannot unmarshal \(kindName) into \(what)") }
        return value
    }

    func decodeDouble() throws -> Double {
        let s = try scalar("a number")
        switch s.kind {
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        case .float(let d): return d
        case .null: return 0
        default: throw error(.type, "cannot unmarshal \(kindName) into a number")
        }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try decodeString() as! T
        case is Bool.Type: return try decodeBool() as! T
        case is Double.Type: return try decodeDouble() as! T
        case is Float.Type: return Float(try decodeDouble()) as! T
        case is Int.Type: return try decodeInteger(Int.self) as! T
        case is Int64.Type: return try decodeInteger(Int64.self) as! T
        case is UInt.Type: return try decodeInteger(UInt.self) as! T
        case is UInt64.Type: return try decodeInteger(UInt64.self) as! T
        case is Int32.Type: return try decodeInteger(Int32.self) as! T
        case is UInt32.Type: return try decodeInteger(UInt32.self) as! T
        default: return try T(from: self)
        }
    }
}

func quoted(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

/// A coding key made from a string or an index, for paths and for reading any mapping.
struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
}
