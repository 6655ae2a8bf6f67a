/// Which metric and label names are valid: Prometheus 3 accepts any non-empty UTF-8
/// (`utf8`); `legacy` is the classic `[a-zA-Z_:][a-zA-Z0-9_:]*` rule.
public enum NameValidationScheme: String, Sendable, Codable, Equatable {
    case utf8
    case legacy

    /// Whether `name` is a valid metric name under this scheme.
    public func isValidMetricName(_ name: String) -> Bool {
        switch self {
        case .utf8: return !name.isEmpty
        case .legacy: return NameValidation.isLegacyMetricName(name)
        }
    }

    /// Whether `name` is a valid label name under this scheme.
    public func isValidLabelName(_ name: String) -> Bool {
        switch self {
        case .utf8: return !name.isEmpty
        case .legacy: return NameValidation.isLegacyLabelName(name)
        }
    }
}

/// The name rules of Prometheus's data model, on bytes, without regexes.
public enum NameValidation {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    public static func isLegacyMetricName(_ name: String) -> Bool {
        var first = true
        for b in name.utf8 {
            let ok = isLetter(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || (!first && isDigit(b))
            if !ok { return false }
            first = false
        }
        return !first
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    public static func isLegacyLabelName(_ name: String) -> Bool {
        var first = true
        for b in name.utf8 {
            let ok = isLetter(b) || b == UInt8(ascii: "_") || (!first && isDigit(b))
            if !ok { return false }
            first = false
        }
        return !first
    }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }
}
