import Foundation

/// An experimental duration expression (`[5m+1m]`, `offset (2*1m)`, `[step()]`), in seconds.
public indirect enum DurationExpr: Sendable, CustomStringConvertible {
    /// A number or duration literal (`isDuration`: written as `5m`), in seconds.
    case literal(Double, isDuration: Bool)
    /// `step()`: the range query's step.
    case step
    /// `range()`: the range query's end minus start.
    case range
    /// Unary minus.
    case negate(DurationExpr)
    /// An arithmetic operator.
    case binary(BinaryOp, DurationExpr, DurationExpr)
    /// `min_of(a, b)` / `max_of(a, b)`.
    case minMax(isMax: Bool, DurationExpr, DurationExpr)
    /// Parentheses.
    case paren(DurationExpr)

    /// True when the value does not depend on the query's step or range.
    public var isConstant: Bool {
        switch self {
        case .literal: return true
        case .step, .range: return false
        case .negate(let e), .paren(let e): return e.isConstant
        case .binary(_, let a, let b), .minMax(_, let a, let b): return a.isConstant && b.isConstant
        }
    }

    /// The value in seconds, given the query's step and range in seconds.
    public func evaluate(step: Double, range: Double) -> Double {
        switch self {
        case .literal(let v, _): return v
        case .step: return step
        case .range: return range
        case .negate(let e): return -e.evaluate(step: step, range: range)
        case .paren(let e): return e.evaluate(step: step, range: range)
        case .minMax(let isMax, let a, let b):
            let x = a.evaluate(step: step, range: range), y = b.evaluate(step: step, range: range)
            return isMax ? Swift.max(x, y) : Swift.min(x, y)
        case .binary(let op, let a, let b):
            let x = a.evaluate(step: step, range: range), y = b.evaluate(step: step, range: range)
            switch op {
            case .add: return x + y
            case .sub: return x - y
            case .mul: return x * y
            case .div: return x / y
            case .mod: return fmod(x, y)
            case .pow: return Foundation.pow(x, y)
            default: return .nan
            }
        }
    }

    /// Milliseconds, rounded; 0 when not finite, clamped to `Int64` (a literal like
    /// `[0233333333333333333333]` once trapped the conversion: found by libFuzzer).
    func milliseconds(step: Int64, range: Int64) -> Int64 {
        Self.clampedMilliseconds(evaluate(step: Double(step) / 1000, range: Double(range) / 1000) * 1000)
    }

    /// The largest duration, in milliseconds, that query arithmetic can add to a timestamp.
    static let maxMilliseconds = Double(Int64.max / 4)

    static func clampedMilliseconds(_ ms: Double) -> Int64 {
        guard ms.isFinite else { return 0 }
        return Int64(Swift.max(-maxMilliseconds, Swift.min(maxMilliseconds, ms.rounded())))
    }

    public var description: String {
        switch self {
        case .literal(let v, let isDuration):
            guard isDuration else { return NumberLiteral(value: v, position: PositionRange(start: 0, end: 0)).description }
            let ms = Self.clampedMilliseconds(v * 1000)
            return ms < 0 ? "-" + formatDuration(-ms) : formatDuration(ms)
        case .step: return "step()"
        case .range: return "range()"
        case .negate(let e): return "-\(e)"
        case .paren(let e): return "(\(e))"
        case .minMax(let isMax, let a, let b): return "\(isMax ? "max_of" : "min_of")(\(a), \(b))"
        case .binary(let op, let a, let b): return "\(a) \(op.rawValue) \(b)"
        }
    }
}

extension Parser {
    /// A duration expression inside `[…]`: the full arithmetic grammar.
    mutating func parseDurationExpr(minPrecedence: Int = 0) throws(ParseError) -> DurationExpr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else { throw tooDeep(at: current.start) }
        var lhs = try parseDurationPrimary()
        while let op = currentBinaryOp(), [.add, .sub, .mul, .div, .mod, .pow].contains(op), op.precedence >= minPrecedence {
            let opTok = advance()
            durationOperators += 1
            guard durationOperators <= Self.maxNesting else { throw tooDeep(at: opTok.start) }
            let rhs = try parseDurationExpr(minPrecedence: op == .pow ? op.precedence : op.precedence + 1)
            if op == .div, case .literal(0, _) = rhs {
                throw ParseError(position: opTok.start, message: "division by zero")
            }
            if op == .mod, case .literal(0, _) = rhs {
                throw ParseError(position: opTok.start, message: "modulo by zero")
            }
            lhs = .binary(op, lhs, rhs)
        }
        return lhs
    }

    /// An offset duration: a signed literal, `step()`, `range()`, `min_of`/`max_of(…)` or a
    /// parenthesized expression, so that `foo offset 1m + 2` adds 2 to the selector.
    mutating func parseOffsetDuration() throws(ParseError) -> DurationExpr {
        var negate = false
        if current.kind == .sub || current.kind == .add { negate = advance().kind == .sub }
        let e = try parseDurationPrimary(allowUnary: false)
        return negate ? .negate(e) : e
    }

    private mutating func parseDurationPrimary(allowUnary: Bool = true) throws(ParseError) -> DurationExpr {
        let t = current
        switch t.kind {
        case .number:
            _ = advance()
            guard let v = parseNumber(t.text) else { throw unexpected("duration") }
            return .literal(v, isDuration: false)
        case .duration:
            _ = advance()
            return .literal(Double(parseDuration(t.text) ?? 0) / 1000, isDuration: true)
        case .leftParen:
            _ = advance()
            let e = try parseDurationExpr()
            _ = try expect(.rightParen, "duration expression")
            return .paren(e)
        case .sub, .add where allowUnary:
            _ = advance()
            let e = try parseDurationExpr(minPrecedence: BinaryOp.pow.precedence)
            return t.kind == .sub ? .negate(e) : e
        case .identifier:
            let word = t.text.lowercased()
            guard peek().kind == .leftParen else { throw unexpected("duration expression") }
            switch word {
            case "step", "range":
                _ = advance(); _ = advance()
                _ = try expect(.rightParen, "duration expression")
                return word == "step" ? .step : .range
            case "min_of", "max_of":
                _ = advance(); _ = advance()
                let a = try parseDurationExpr()
                _ = try expect(.comma, "duration expression")
                let b = try parseDurationExpr()
                _ = try expect(.rightParen, "duration expression")
                return .minMax(isMax: word == "max_of", a, b)
            default:
                throw unexpected("duration expression")
            }
        default:
            throw unexpected("duration expression")
        }
    }
}
