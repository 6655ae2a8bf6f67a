internal import Yams
import Foundation

/// A YAML scalar typed the way Prometheus's YAML 1.1 decoder (go-yaml v2) types it.
///
/// Yams resolves plain scalars with its own rules; Prometheus accepts `yes`/`no`/`on`/`off` as booleans,
/// keeps the source text when a number or boolean lands in a string field, and never reads a quoted
/// `"true"` as a boolean. So the decoder types scalars itself, from the text, style and explicit tag.
struct YAMLScalar {
    enum Kind: Equatable {
        case null, bool(Bool), int(Int64), uint(UInt64), float(Double), string, binary
    }

    let text: String
    let kind: Kind
    let mark: Mark?

    init(_ scalar: Node.Scalar) {
        text = scalar.string
        mark = scalar.mark
        let tag = scalar.tag.description
        if tag == Tag.Name.binary.rawValue {
            kind = .binary
        } else if scalar.style != .plain && scalar.style != .any {
            kind = .string
        } else {
            let implicit = YAMLScalar.resolve(scalar.string)
            // A plain scalar Yams tagged !!str although its text reads as another type carried an explicit `!!str`.
            kind = (tag == Tag.Name.str.rawValue && implicit != .string) ? .string : implicit
        }
    }

    /// The YAML 1.1 implicit type of a plain scalar.
    static func resolve(_ s: String) -> Kind {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        if let i = parseInteger(s) { return i }
        if isFloat(s), let d = Double(s.replacingOccurrences(of: "_", with: "")) { return .float(d) }
        return .string
    }

    private static func parseInteger(_ raw: String) -> Kind? {
        var s = Substring(raw.replacingOccurrences(of: "_", with: ""))
        var negative = false
        if s.first == "-" || s.first == "+" { negative = s.first == "-"; s = s.dropFirst() }
        guard !s.isEmpty else { return nil }
        var radix = 10
        if s.hasPrefix("0x") { radix = 16; s = s.dropFirst(2) }
        else if s.hasPrefix("0b") { radix = 2; s = s.dropFirst(2) }
        else if s.hasPrefix("0o") { radix = 8; s = s.dropFirst(2) }
        else if s.count > 1, s.hasPrefix("0") { radix = 8; s = s.dropFirst() }
        guard !s.isEmpty, let magnitude = UInt64(s, radix: radix) else { return nil }
        if !negative { return magnitude <= UInt64(Int64.max) ? .int(Int64(magnitude)) : .uint(magnitude) }
        if magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
        if magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
        return nil
    }

    /// `[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ s: String) -> Bool {
        var chars = Substring(s)
        if chars.first == "-" || chars.first == "+" { chars = chars.dropFirst() }
        var sawDigit = false, sawDot = false, sawExp = false
        var previous: Character = " "
        for c in chars {
            switch c {
            case "0"..."9": sawDigit = true
            case "_": guard sawDigit, !sawExp else { return false }
            case ".": guard !sawDot, !sawExp else { return false }; sawDot = true
            case "e", "E": guard sawDigit, !sawExp else { return false }; sawExp = true
            case "-", "+": guard previous == "e" || previous == "E" else { return false }
            default: return false
            }
            previous = c
        }
        return sawDigit && previous != "e" && previous != "E" && previous != "-" && previous != "+"
    }

    /// The go-yaml tag name used in type errors: `!!str`, `!!int`, …
    var tagName: String {
        switch kind {
        case .null: return "!!null"
        case .bool: return "!!bool"
        case .int, .uint: return "!!int"
        case .float: return "!!float"
        case .string: return "!!str"
        case .binary: return "!!binary"
        }
    }

    /// The string value: the source text, or the decoded bytes of a `!!binary` scalar.
    ///
    /// Swift strings hold valid Unicode only; bytes that are not valid UTF-8 become U+FFFD, which the
    /// label checks then report as "not valid" (see `LabelSetValidation`).
    func stringValue() throws -> String {
        guard kind == .binary else { return kind == .null ? "" : text }
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw ConfigError(.type, "!!binary value contains invalid base64 data")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
