import Model

/// A PromQL syntax or type error. `description` reads like Prometheus: `1:5: parse error: unexpected <op:*>`.
public struct ParseError: Error, Sendable, CustomStringConvertible {
    /// Byte offset of the error in the query.
    public var position: Int
    /// The message without position.
    public var message: String
    /// The query text, used to turn the offset into line and column.
    public var query: String = ""

    init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    /// 1-based line and column of `position`.
    public var lineColumn: (line: Int, column: Int) {
        var line = 1, col = 1
        for (i, b) in query.utf8.enumerated() {
            if i >= position { break }
            if b == 10 { line += 1; col = 1 } else { col += 1 }
        }
        return (line, col)
    }

    public var description: String {
        let (l, c) = lineColumn
        return "\(l):\(c): parse error: \(message)"
    }
}

/// Parses a PromQL expression.
/// - Parameter query: The expression text.
/// - Returns: The type-checked syntax tree.
/// - Throws: `ParseError` with Prometheus's message and the position.
public func parseExpr(_ query: String) throws(ParseError) -> Expr {
    do throws(ParseError) {
        var p = Parser(tokens: try Lexer.tokenize(query))
        let e = try p.parseExpr(minPrecedence: 0)
        if p.current.kind != .eof { throw p.unexpected() }
        try TypeChecker.check(e)
        return e
    } catch {
        var err = error
        err.query = query
        throw err
    }
}

/// Recursive-descent parser with precedence climbing for binary operators.
///
/// Nesting is limited (``maxNesting``, ``maxTreeDepth``): the parser, the type checker, the
/// printer and the engine all recurse over the tree, so a query of 100,000 parentheses or a chain of
/// 100,000 `+` would otherwise overflow the stack and kill the server. Prometheus (Go, with
/// growable stacks) has no such limit; no real query comes near it.
struct Parser {
    var tokens: [Token]
    var index = 0
    var nextSelectorID = 0
    /// How many `parseExpr` / `parseDurationExpr` calls are active (the recursion depth).
    var nesting = 0
    /// The tree depth of the expression the last parse function returned.
    var lastDepth = 0
    /// Binary operators seen in duration expressions (their trees are built by a loop).
    var durationOperators = 0

    /// How deeply parentheses, calls, aggregations and unary operators may nest (the parser's
    /// own recursion). A debug build overflowed a 512 KiB dispatch-thread stack at ~1,000.
    static let maxNesting = 256
    /// The deepest expression tree, counting operator chains like `a or b or c …`, which the
    /// parser builds in a loop but the engine evaluates recursively (safe to ~900 in a debug build).
    static let maxTreeDepth = 512

    func tooDeep(at position: Int) -> ParseError {
        ParseError(position: position, message: "expression nesting exceeds the maximum depth of \(Self.maxNesting)")
    }

    func treeTooDeep(at position: Int) -> ParseError {
        ParseError(position: position, message: "expression nesting exceeds the maximum tree depth of \(Self.maxTreeDepth)")
    }

    init(tokens: [Token]) { self.tokens = tokens }

    var current: Token { tokens[index] }
    func peek(_ k: Int = 1) -> Token { tokens[min(index + k, tokens.count - 1)] }

    mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    func unexpected(_ context: String = "") -> ParseError {
        let t = current
        var msg = "unexpected \(t.describe)"
        if !context.isEmpty { msg += " in \(context)" }
        return ParseError(position: t.start, message: msg)
    }

    mutating func expect(_ kind: TokenKind, _ context: String) throws(ParseError) -> Token {
        guard current.kind == kind else { throw unexpected(context) }
        return advance()
    }

    func isKeyword(_ word: String) -> Bool {
        current.kind == .identifier && current.text.lowercased() == word
    }

    /// The binary operator at the current token, if any.
    func currentBinaryOp() -> BinaryOp? {
        switch current.kind {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .mod: return .mod
        case .pow: return .pow
        case .eqlc: return .eql
        case .neq: return .neq
        case .gtr: return .gtr
        case .lss: return .lss
        case .gte: return .gte
        case .lte: return .lte
        case .identifier:
            switch current.text.lowercased() {
            case "and": return .and
            case "or": return .or
            case "unless": return .unless
            case "atan2": return .atan2
            default: return nil
            }
        default: return nil
        }
    }

    mutating func parseExpr(minPrecedence: Int) throws(ParseError) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else { throw tooDeep(at: current.start) }
        var lhs = try parseUnary()
        var depth = lastDepth
        while let op = currentBinaryOp(), op.precedence >= minPrecedence {
            let opTok = advance()
            var returnBool = false
            if isKeyword("bool") { _ = advance(); returnBool = true }
            var matching: VectorMatching?
            if isKeyword("on") || isKeyword("ignoring") {
                let on = advance().text.lowercased() == "on"
                matching = VectorMatching(card: .oneToOne, matchingLabels: try parseLabelList(), on: on, include: [])
                if isKeyword("group_left") || isKeyword("group_right") {
                    let left = advance().text.lowercased() == "group_left"
                    matching?.card = left ? .manyToOne : .oneToMany
                    if current.kind == .leftParen { matching?.include = try parseLabelList() }
                }
            } else if isKeyword("group_left") || isKeyword("group_right") {
                throw unexpected()
            }
            while (isKeyword("fill") || isKeyword("fill_left") || isKeyword("fill_right")) && peek().kind == .leftParen {
                let which = advance().text.lowercased()
                _ = advance()
                let v = try parseNumberArgument("fill modifier")
                _ = try expect(.rightParen, "fill modifier")
                if matching == nil { matching = VectorMatching(card: .oneToOne, matchingLabels: [], on: false, include: []) }
                if which != "fill_right" { matching?.fillLeft = v }
                if which != "fill_left" { matching?.fillRight = v }
            }
            let rhs = try parseExpr(minPrecedence: op == .pow ? op.precedence : op.precedence + 1)
            depth = max(depth, lastDepth) + 1
            guard depth <= Self.maxTreeDepth else { throw treeTooDeep(at: opTok.start) }
            lhs = try makeBinary(op, lhs, rhs, returnBool: returnBool, matching: matching,
                                 opPosition: PositionRange(start: opTok.start, end: opTok.end))
        }
        lastDepth = depth
        guard depth <= Self.maxTreeDepth else { throw treeTooDeep(at: current.start) }
        return lhs
    }

    mutating func parseUnary() throws(ParseError) -> Expr {
        if current.kind == .add || current.kind == .sub {
            let t = advance()
            // Unary operators bind like `*`: only `^` binds tighter.
            let operand = try parseExpr(minPrecedence: BinaryOp.pow.precedence)
            lastDepth += 1
            let pos = PositionRange(start: t.start, end: operand.position.end)
            if case .number(var n) = operand {
                if t.kind == .sub { n.value = -n.value }
                n.position = pos
                return .number(n)
            }
            let ty = operand.type
            guard ty == .scalar || ty == .vector else {
                throw ParseError(position: t.start, message: "unary expression only allowed on expressions of type scalar or instant vector, got \(quotedGo(ty.rawValue))")
            }
            return .unary(UnaryExpr(op: t.kind == .sub ? .sub : .add, expr: operand, position: pos))
        }
        return try parsePostfix(try parsePrimary())
    }

    mutating func parsePrimary() throws(ParseError) -> Expr {
        let t = current
        lastDepth = 1
        switch t.kind {
        case .leftParen:
            _ = advance()
            let e = try parseExpr(minPrecedence: 0)
            lastDepth += 1
            let close = try expect(.rightParen, "parenthesized expression")
            return .paren(e, PositionRange(start: t.start, end: close.end))
        case .number:
            _ = advance()
            guard let v = parseNumber(t.text) else { throw ParseError(position: t.start, message: "bad number syntax: \(quotedGo(t.text))") }
            return .number(NumberLiteral(value: v, position: PositionRange(start: t.start, end: t.end)))
        case .duration:
            _ = advance()
            let ms = parseDuration(t.text) ?? 0
            return .number(NumberLiteral(value: Double(ms) / 1000, isDuration: true, position: PositionRange(start: t.start, end: t.end)))
        case .string:
            _ = advance()
            return .string(StringLiteral(value: t.value, position: PositionRange(start: t.start, end: t.end)))
        case .leftBrace:
            return .vectorSelector(try parseSelector(name: nil, start: t.start))
        case .metricIdentifier:
            _ = advance()
            return .vectorSelector(try parseSelector(name: t.text, start: t.start))
        case .identifier:
            return try parseIdentifierExpr()
        default:
            throw unexpected()
        }
    }

    mutating func parseIdentifierExpr() throws(ParseError) -> Expr {
        let t = current
        let lower = t.text.lowercased()
        if let op = Aggregation.Op(rawValue: lower), peek().kind == .leftParen || ["by", "without"].contains(peek().text.lowercased()) {
            return try parseAggregation(op)
        }
        if peek().kind == .leftParen {
            guard let f = FunctionDef.all[t.text] else {
                throw ParseError(position: t.start, message: "unknown function with name \(quotedGo(t.text))")
            }
            _ = advance()
            _ = advance()
            var args: [Expr] = []
            var depth = 0
            while current.kind != .rightParen {
                args.append(try parseExpr(minPrecedence: 0))
                depth = max(depth, lastDepth)
                if current.kind == .comma { _ = advance(); continue }
                guard current.kind == .rightParen else { throw unexpected("argument list") }
            }
            lastDepth = depth + 1
            let close = advance()
            return .call(Call(function: f, args: args, position: PositionRange(start: t.start, end: close.end)))
        }
        if lower == "inf" || lower == "nan" {
            _ = advance()
            return .number(NumberLiteral(value: lower == "inf" ? .infinity : .nan, position: PositionRange(start: t.start, end: t.end)))
        }
        if ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "atan2"].contains(lower)
            || Aggregation.Op(rawValue: lower) != nil {
            throw unexpected()
        }
        _ = advance()
        return .vectorSelector(try parseSelector(name: t.text, start: t.start))
    }

    mutating func parseAggregation(_ op: Aggregation.Op) throws(ParseError) -> Expr {
        let start = advance().start
        var grouping: [String] = []
        var without = false
        var hadGrouping = false
        if isKeyword("by") || isKeyword("without") {
            without = advance().text.lowercased() == "without"
            grouping = try parseLabelList()
            hadGrouping = true
        }
        _ = try expect(.leftParen, "aggregation")
        var args: [Expr] = []
        var depth = 0
        while current.kind != .rightParen {
            args.append(try parseExpr(minPrecedence: 0))
            depth = max(depth, lastDepth)
            if current.kind == .comma { _ = advance(); continue }
            guard current.kind == .rightParen else { throw unexpected("aggregation") }
        }
        lastDepth = depth + 1
        var end = advance().end
        if isKeyword("by") || isKeyword("without") {
            if hadGrouping { throw unexpected() }
            without = advance().text.lowercased() == "without"
            grouping = try parseLabelList()
            end = tokens[index - 1].end
        }
        let expected = op.hasParam ? 2 : 1
        guard args.count == expected else {
            throw ParseError(position: start, message: "wrong number of arguments for aggregate expression provided, expected \(expected), got \(args.count)")
        }
        return .aggregate(AggregateExpr(op: op, expr: args[expected - 1], param: op.hasParam ? args[0] : nil,
                                        grouping: grouping, without: without, position: PositionRange(start: start, end: end)))
    }

    /// `( label, "label", … )`, trailing comma allowed.
    mutating func parseLabelList() throws(ParseError) -> [String] {
        _ = try expect(.leftParen, "grouping opts")
        var labels: [String] = []
        while current.kind != .rightParen {
            switch current.kind {
            case .identifier: labels.append(advance().text)
            case .string: labels.append(advance().value)
            default: throw unexpected("grouping opts")
            }
            if current.kind == .comma { _ = advance(); continue }
            guard current.kind == .rightParen else { throw unexpected("grouping opts") }
        }
        _ = advance()
        return labels
    }

    mutating func parseNumberArgument(_ context: String) throws(ParseError) -> Double {
        var sign = 1.0
        if current.kind == .add || current.kind == .sub { sign = advance().kind == .sub ? -1 : 1 }
        let t = current
        switch t.kind {
        case .number:
            _ = advance()
            guard let v = parseNumber(t.text) else { throw ParseError(position: t.start, message: "bad number syntax") }
            return sign * v
        case .duration:
            _ = advance()
            return sign * Double(parseDuration(t.text) ?? 0) / 1000
        case .identifier where ["inf", "nan"].contains(t.text.lowercased()):
            _ = advance()
            return sign * (t.text.lowercased() == "inf" ? Double.infinity : Double.nan)
        default:
            throw unexpected(context)
        }
    }
}

/// Parses a PromQL number literal (decimal, hex, exponent).
func parseNumber(_ text: String) -> Double? {
    let t = String(text.filter { $0 != "_" })
    let lower = t.lowercased()
    if lower.hasPrefix("0x") { return UInt64(lower.dropFirst(2), radix: 16).map { Double($0) } }
    if lower == "inf" || lower == "+inf" { return .infinity }
    if lower == "-inf" { return -.infinity }
    if lower == "nan" { return .nan }
    return Double(t)
}
