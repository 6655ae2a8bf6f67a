// PromQL lexer. Follows the token classes of Prometheus's promql/parser/lex.go,
// but is context-free: words are always `identifier` tokens and the parser decides
// whether `by`, `and`, `offset`, `Inf` … are keywords in the position where they appear.

/// Kinds of PromQL tokens.
enum TokenKind: Equatable, Sendable {
    case eof
    case identifier        // foo, by, and, inf (also label names)
    case metricIdentifier  // foo:bar (contains a colon)
    case number
    case duration
    case string
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, colon, at
    case assign      // =
    case neq         // !=
    case eqlRegex    // =~
    case neqRegex    // !~
    case eqlc        // ==
    case add, sub, mul, div, mod, pow
    case lss, lte, gtr, gte
}

/// One token with its byte range in the input.
struct Token: Sendable {
    var kind: TokenKind
    var text: String
    var start: Int
    var end: Int
    /// For `.string`: the unquoted value. For `.number`/`.duration`: unused.
    var value: String = ""

    /// How Prometheus names the token in "unexpected …" messages.
    var describe: String {
        switch kind {
        case .eof: return "end of input"
        case .identifier:
            switch text.lowercased() {
            case "and", "or", "unless", "atan2": return "<op:\(text)>"
            case "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset":
                return text
            default:
                if Aggregation.Op(rawValue: text.lowercased()) != nil { return "<aggr:\(text)>" }
                return "identifier \(quotedGo(text))"
            }
        case .metricIdentifier: return "metric identifier \(quotedGo(text))"
        case .number: return "number \(quotedGo(text))"
        case .duration: return "duration \(quotedGo(text))"
        case .string: return "string \(quotedGo(text))"
        case .leftParen: return "\"(\""
        case .rightParen: return "\")\""
        case .leftBrace: return "\"{\""
        case .rightBrace: return "\"}\""
        case .leftBracket: return "\"[\""
        case .rightBracket: return "\"]\""
        case .comma: return "\",\""
        case .colon: return "\":\""
        case .at: return "<@>"
        case .assign: return "\"=\""
        default: return "<op:\(text)>"
        }
    }
}

/// Go-style `%q` rendering, enough for error messages.
func quotedGo(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out + "\""
}

/// Splits a PromQL expression into tokens.
struct Lexer {
    let input: [UInt8]
    var pos = 0

    init(_ text: String) { input = Array(text.utf8) }

    /// Lexes everything; the last token is `.eof`.
    static func tokenize(_ text: String) throws(ParseError) -> [Token] {
        var lexer = Lexer(text)
        var out: [Token] = []
        while true {
            let t = try lexer.next()
            out.append(t)
            if t.kind == .eof { return out }
        }
    }

    private func peek(_ k: Int = 0) -> UInt8? { pos + k < input.count ? input[pos + k] : nil }

    private func text(_ from: Int, _ to: Int) -> String { String(decoding: input[from..<to], as: UTF8.self) }

    static func isAlpha(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }

    mutating func next() throws(ParseError) -> Token {
        // Skip whitespace and comments.
        while let c = peek() {
            if c == 32 || c == 9 || c == 10 || c == 13 { pos += 1; continue }
            if c == UInt8(ascii: "#") {
                while let d = peek(), d != 10 { pos += 1 }
                continue
            }
            break
        }
        let start = pos
        guard let c = peek() else { return Token(kind: .eof, text: "", start: pos, end: pos) }
        func tok(_ k: TokenKind, _ n: Int) -> Token {
            pos += n
            return Token(kind: k, text: text(start, pos), start: start, end: pos)
        }
        switch c {
        case UInt8(ascii: "("): return tok(.leftParen, 1)
        case UInt8(ascii: ")"): return tok(.rightParen, 1)
        case UInt8(ascii: "{"): return tok(.leftBrace, 1)
        case UInt8(ascii: "}"): return tok(.rightBrace, 1)
        case UInt8(ascii: "["): return tok(.leftBracket, 1)
        case UInt8(ascii: "]"): return tok(.rightBracket, 1)
        case UInt8(ascii: ","): return tok(.comma, 1)
        case UInt8(ascii: ":"): return tok(.colon, 1)
        case UInt8(ascii: "@"): return tok(.at, 1)
        case UInt8(ascii: "+"): return tok(.add, 1)
        case UInt8(ascii: "-"): return tok(.sub, 1)
        case UInt8(ascii: "*"): return tok(.mul, 1)
        case UInt8(ascii: "/"): return tok(.div, 1)
        case UInt8(ascii: "%"): return tok(.mod, 1)
        case UInt8(ascii: "^"): return tok(.pow, 1)
        case UInt8(ascii: "="):
            if peek(1) == UInt8(ascii: "=") { return tok(.eqlc, 2) }
            if peek(1) == UInt8(ascii: "~") { return tok(.eqlRegex, 2) }
            return tok(.assign, 1)
        case UInt8(ascii: "!"):
            if peek(1) == UInt8(ascii: "=") { return tok(.neq, 2) }
            if peek(1) == UInt8(ascii: "~") { return tok(.neqRegex, 2) }
            throw ParseError(position: start, message: "unexpected character after '!': \(peek(1).map { quotedGo(String(UnicodeScalar($0))) } ?? "EOF")")
        case UInt8(ascii: "<"):
            return peek(1) == UInt8(ascii: "=") ? tok(.lte, 2) : tok(.lss, 1)
        case UInt8(ascii: ">"):
            return peek(1) == UInt8(ascii: "=") ? tok(.gte, 2) : tok(.gtr, 1)
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            return try lexString(quote: c)
        default:
            if Lexer.isDigit(c) || (c == UInt8(ascii: ".") && peek(1).map(Lexer.isDigit) == true) {
                return try lexNumberOrDuration()
            }
            if Lexer.isAlpha(c) || c == UInt8(ascii: ":") {
                var isMetric = false
                while let d = peek(), Lexer.isAlnum(d) || d == UInt8(ascii: ":") {
                    if d == UInt8(ascii: ":") { isMetric = true }
                    pos += 1
                }
                return Token(kind: isMetric ? .metricIdentifier : .identifier, text: text(start, pos), start: start, end: pos)
            }
            let scalar = String(decoding: input[start..<min(input.count, start + 4)], as: UTF8.self).unicodeScalars.first ?? " "
            throw ParseError(position: start, message: "unexpected character: \(quotedGo(String(scalar)))")
        }
    }

    private mutating func lexNumberOrDuration() throws(ParseError) -> Token {
        let start = pos
        // Hexadecimal.
        if peek() == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            pos += 2
            while let d = peek(), Lexer.isDigit(d) || (d | 0x20 >= 97 && d | 0x20 <= 102) { pos += 1 }
        } else {
            while let d = peek(), Lexer.isDigit(d) || d == UInt8(ascii: "_") { pos += 1 }
            if peek() == UInt8(ascii: ".") {
                pos += 1
                while let d = peek(), Lexer.isDigit(d) { pos += 1 }
            }
            if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                var k = 1
                if let s = peek(1), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { k = 2 }
                if let d = peek(k), Lexer.isDigit(d) {
                    pos += k
                    while let d = peek(), Lexer.isDigit(d) { pos += 1 }
                }
            }
        }
        if let d = peek(), Lexer.isAlpha(d) {
            // A duration: digits followed by units, e.g. 1h30m.
            pos = start
            while let d = peek(), Lexer.isAlnum(d) { pos += 1 }
            let t = text(start, pos)
            guard parseDuration(t) != nil else {
                throw ParseError(position: start, message: "bad number or duration syntax: \(quotedGo(t))")
            }
            return Token(kind: .duration, text: t, start: start, end: pos)
        }
        return Token(kind: .number, text: text(start, pos), start: start, end: pos)
    }

    private mutating func lexString(quote: UInt8) throws(ParseError) -> Token {
        let start = pos
        pos += 1
        var bytes: [UInt8] = []
        while true {
            guard let c = peek() else {
                throw ParseError(position: start, message: "unterminated quoted string")
            }
            if c == quote { pos += 1; break }
            if quote != UInt8(ascii: "`") && c == 10 {
                throw ParseError(position: start, message: "unterminated quoted string")
            }
            if c == UInt8(ascii: "\\") && quote != UInt8(ascii: "`") {
                pos += 1
                try lexEscape(quote: quote, into: &bytes)
                continue
            }
            bytes.append(c)
            pos += 1
        }
        var t = Token(kind: .string, text: text(start, pos), start: start, end: pos)
        t.value = String(decoding: bytes, as: UTF8.self)
        return t
    }

    private mutating func lexEscape(quote: UInt8, into bytes: inout [UInt8]) throws(ParseError) {
        guard let c = peek() else { throw ParseError(position: pos, message: "escape sequence not terminated") }
        pos += 1
        func hex(_ n: Int) throws(ParseError) -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<n {
                guard let d = peek(), let x = UInt32(String(UnicodeScalar(d)), radix: 16) else {
                    throw ParseError(position: pos, message: "unknown escape sequence")
                }
                v = v * 16 + x
                pos += 1
            }
            return v
        }
        switch c {
        case UInt8(ascii: "a"): bytes.append(7)
        case UInt8(ascii: "b"): bytes.append(8)
        case UInt8(ascii: "f"): bytes.append(12)
        case UInt8(ascii: "n"): bytes.append(10)
        case UInt8(ascii: "r"): bytes.append(13)
        case UInt8(ascii: "t"): bytes.append(9)
        case UInt8(ascii: "v"): bytes.append(11)
        case UInt8(ascii: "\\"): bytes.append(92)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): bytes.append(c)
        case UInt8(ascii: "x"): bytes.append(UInt8(try hex(2)))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let v = try hex(c == UInt8(ascii: "u") ? 4 : 8)
            guard let s = UnicodeScalar(v) else { throw ParseError(position: pos, message: "invalid Unicode code point in escape sequence") }
            bytes.append(contentsOf: Array(String(Character(s)).utf8))
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var v = UInt32(c - 48)
            for _ in 0..<2 {
                guard let d = peek(), d >= 48, d <= 55 else { throw ParseError(position: pos, message: "unknown escape sequence") }
                v = v * 8 + UInt32(d - 48)
                pos += 1
            }
            bytes.append(UInt8(truncatingIfNeeded: v))
        default:
            throw ParseError(position: pos - 1, message: "unknown escape sequence \(quotedGo(String(UnicodeScalar(c))))")
        }
    }
}

/// Parses a Prometheus duration (`1h30m`, `500ms`, `0`) to milliseconds.
func parseDuration(_ s: String) -> Int64? {
    if s == "0" { return 0 }
    let units: [(String, Int64)] = [("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000),
                                    ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
    let b = Array(s.utf8)
    var i = 0, total: Int64 = 0, lastUnit = -1
    if b.isEmpty { return nil }
    while i < b.count {
        var n: Int64 = 0
        let ds = i
        while i < b.count, Lexer.isDigit(b[i]) {
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(b[i] - 48))
            if o1 || o2 { return nil }
            n = a
            i += 1
        }
        if i == ds { return nil }
        let us = i
        while i < b.count, Lexer.isAlpha(b[i]) { i += 1 }
        let unit = String(decoding: b[us..<i], as: UTF8.self)
        guard let idx = units.firstIndex(where: { $0.0 == unit }), idx > lastUnit else { return nil }
        lastUnit = idx
        let (m, o) = n.multipliedReportingOverflow(by: units[idx].1)
        if o { return nil }
        total += m
    }
    return total
}

/// Formats milliseconds like Prometheus's `model.Duration.String()` (`1h30m`, `0s`).
func formatDuration(_ ms: Int64) -> String {
    if ms == 0 { return "0s" }
    var r = ms
    var out = ""
    if r < 0 { out = "-"; r = -r }
    let units: [(String, Int64)] = [("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000),
                                    ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
    for (u, size) in units where r >= size {
        // Years and weeks only when exact, as Prometheus prints 90d rather than 12w6d.
        if (u == "y" || u == "w") && r % size != 0 { continue }
        out += "\(r / size)\(u)"
        r %= size
    }
    return out
}
