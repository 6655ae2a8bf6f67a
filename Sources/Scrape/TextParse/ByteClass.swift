/// Byte classes of the exposition grammars, as branch-light inline tests.
enum ByteClass {
    static let newline = UInt8(ascii: "\n")
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let hash = UInt8(ascii: "#")
    static let braceOpen = UInt8(ascii: "{")
    static let braceClose = UInt8(ascii: "}")
    static let equal = UInt8(ascii: "=")
    static let comma = UInt8(ascii: ",")

    /// `[a-zA-Z_:]`
    @inline(__always) static func isMetricNameStart(_ c: UInt8) -> Bool {
        (c | 0x20) &- 0x61 < 26 || c == 0x5F || c == 0x3A
    }
    /// `[a-zA-Z0-9_:]`
    @inline(__always) static func isMetricNameChar(_ c: UInt8) -> Bool {
        (c | 0x20) &- 0x61 < 26 || c &- 0x30 < 11 || c == 0x5F  // 0x30...0x3A covers digits and ':'
    }
    /// `[a-zA-Z_]`
    @inline(__always) static func isLabelNameStart(_ c: UInt8) -> Bool {
        (c | 0x20) &- 0x61 < 26 || c == 0x5F
    }
    /// `[a-zA-Z0-9_]`
    @inline(__always) static func isLabelNameChar(_ c: UInt8) -> Bool {
        (c | 0x20) &- 0x61 < 26 || c &- 0x30 < 10 || c == 0x5F
    }
    /// Space or tab.
    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == space || c == tab }
    /// Where an error message stops quoting a token.
    static func isTokenEnd(_ c: UInt8) -> Bool { c == newline || c == space || c == tab }
}
