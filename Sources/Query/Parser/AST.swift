public import Model

/// The type of a PromQL expression's value.
public enum ValueType: String, Sendable {
    case none
    case scalar
    case vector = "instant vector"
    case matrix = "range vector"
    case string
}

/// Byte offsets of an expression in the query text (`start..<end`).
public struct PositionRange: Sendable, Hashable {
    /// Byte offset of the first character.
    public var start: Int
    /// Byte offset after the last character.
    public var end: Int
    /// Creates a range.
    public init(start: Int, end: Int) { self.start = start; self.end = end }
}

/// A parsed PromQL expression. `description` prints it back as Prometheus's `String()` does.
public indirect enum Expr: Sendable, CustomStringConvertible {
    case number(NumberLiteral)
    case string(StringLiteral)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(SubqueryExpr)
    case paren(Expr, PositionRange)
    case unary(UnaryExpr)
    case binary(BinaryExpr)
    case call(Call)
    case aggregate(AggregateExpr)

    /// The static type of the expression's value.
    public var type: ValueType {
        switch self {
        case .number: return .scalar
        case .string: return .string
        case .vectorSelector: return .vector
        case .matrixSelector, .subquery: return .matrix
        case .paren(let e, _): return e.type
        case .unary(let u): return u.expr.type
        case .binary(let b): return b.lhs.type == .scalar && b.rhs.type == .scalar ? .scalar : .vector
        case .call(let c): return c.function.returnType
        case .aggregate: return .vector
        }
    }

    /// Where the expression appears in the query.
    public var position: PositionRange {
        switch self {
        case .number(let n): return n.position
        case .string(let s): return s.position
        case .vectorSelector(let v): return v.position
        case .matrixSelector(let m): return m.position
        case .subquery(let s): return s.position
        case .paren(_, let p): return p
        case .unary(let u): return u.position
        case .binary(let b): return PositionRange(start: b.lhs.position.start, end: b.rhs.position.end)
        case .call(let c): return c.position
        case .aggregate(let a): return a.position
        }
    }

    /// The expression with parentheses removed.
    public var unwrapped: Expr {
        if case .paren(let e, _) = self { return e.unwrapped }
        return self
    }

    public var description: String {
        switch self {
        case .number(let n): return n.description
        case .string(let s): return quotedGo(s.value)
        case .vectorSelector(let v): return v.description
        case .matrixSelector(let m): return m.description
        case .subquery(let s): return s.description
        case .paren(let e, _): return "(\(e))"
        case .unary(let u): return "\(u.op.rawValue)\(u.expr)"
        case .binary(let b): return b.description
        case .call(let c): return "\(c.function.name)(\(c.args.map(\.description).joined(separator: ", ")))"
        case .aggregate(let a): return a.description
        }
    }
}

/// A number literal such as `1`, `0x1f`, `Inf` or a duration used as seconds.
public struct NumberLiteral: Sendable {
    /// The value.
    public var value: Double
    /// True when written as a duration (`5m`), printed back as one.
    public var isDuration = false
    /// Source position.
    public var position: PositionRange

    var description: String {
        if isDuration, value.isFinite {
            let ms = DurationExpr.clampedMilliseconds(value * 1000)
            return ms < 0 ? "-" + formatDuration(-ms) : formatDuration(ms)
        }
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return FloatFormat.goG(value)
    }
}

/// A string literal.
public struct StringLiteral: Sendable {
    /// The unquoted value.
    public var value: String
    /// Source position.
    public var position: PositionRange
}

/// The `@` modifier of a selector or subquery.
public enum AtModifier: Sendable, Equatable {
    /// `@ <seconds>`, stored in milliseconds.
    case timestamp(Timestamp)
    /// `@ start()`.
    case start
    /// `@ end()`.
    case end

    var description: String {
        switch self {
        case .timestamp(let t):
            let s = Double(t) / 1000
            return " @ " + String(format3: s)
        case .start: return " @ start()"
        case .end: return " @ end()"
        }
    }
}

extension String {
    /// `%.3f`.
    init(format3 v: Double) {
        let neg = v < 0
        let ms = Int64((abs(v) * 1000).rounded())
        let frac = String(ms % 1000)
        self = (neg ? "-" : "") + "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}

func offsetDescription(_ offset: Int64) -> String {
    if offset > 0 { return " offset \(formatDuration(offset))" }
    if offset < 0 { return " offset -\(formatDuration(-offset))" }
    return ""
}

/// An instant vector selector: `name{matchers} @ t offset d`.
public struct VectorSelector: Sendable {
    /// The metric name written before the braces, if any.
    public var name: String?
    /// All matchers, including the `__name__` matcher derived from `name`.
    public var matchers: [Matcher]
    /// Offset in milliseconds (positive looks back).
    public var offset: Int64 = 0
    /// An offset that depends on the query (`offset step()`); overrides `offset`.
    public var offsetExpr: DurationExpr?
    /// The `@` modifier.
    public var at: AtModifier?
    /// The experimental `smoothed` modifier: interpolate between the samples around t.
    public var smoothed = false
    /// The experimental `anchored` modifier (range selectors only; parsed, not evaluated).
    public var anchored = false
    /// A number unique within one parsed query, used to cache selections.
    public var id: Int
    /// Source position.
    public var position: PositionRange

    var selectorText: String {
        var parts: [String] = []
        for m in matchers {
            if let name, m.name == LabelName.metricName, m.type == .equal, m.value == name, !name.isEmpty { continue }
            parts.append(matcherText(m))
        }
        // A name given as `{"name", __name__=~"…"}` must stay inside the braces: printed as
        // `name{__name__=~"…"}` it would not parse again ("metric name must not be set twice";
        // found by fuzzing the print/re-parse round trip).
        let otherNameMatcher = name.map { n in matchers.contains { $0.name == LabelName.metricName && !($0.type == .equal && $0.value == n) } } ?? false
        if let name, !isLegacyName(name, allowColon: true) || otherNameMatcher {
            // Prometheus 3 prints a UTF-8 metric name as the first, quoted element inside the braces.
            return "{\(([quotedGo(name)] + parts).joined(separator: ","))}"
        }
        let n = name ?? ""
        if parts.isEmpty && !n.isEmpty { return n }
        return "\(n){\(parts.joined(separator: ","))}"
    }

    var modifierText: String { (smoothed ? " smoothed" : "") + (anchored ? " anchored" : "") }

    var offsetText: String { offsetExpr.map { " offset \($0)" } ?? offsetDescription(offset) }

    var description: String { selectorText + (at?.description ?? "") + offsetText + modifierText }
}

func isLegacyName(_ s: String, allowColon: Bool) -> Bool {
    guard let f = s.utf8.first, Lexer.isAlpha(f) || (allowColon && f == UInt8(ascii: ":")) else { return false }
    return s.utf8.allSatisfy { Lexer.isAlnum($0) || (allowColon && $0 == UInt8(ascii: ":")) }
}


func matcherText(_ m: Matcher) -> String {
    let n = isLegacyName(m.name, allowColon: false) ? m.name : quotedGo(m.name)
    return "\(n)\(m.type.rawValue)\(quotedGo(m.value))"
}

/// A range vector selector: `selector[range]`.
public struct MatrixSelector: Sendable {
    /// The selector; its offset and `@` apply to the whole range.
    public var vector: VectorSelector
    /// Range in milliseconds.
    public var range: Int64
    /// A range that depends on the query (`[step()]`); overrides `range`.
    public var rangeExpr: DurationExpr?
    /// Source position.
    public var position: PositionRange

    var description: String {
        "\(vector.selectorText)[\(rangeExpr.map(\.description) ?? formatDuration(range))]" + (vector.at?.description ?? "")
            + vector.offsetText + vector.modifierText
    }
}

/// A subquery: `expr[range:step]`.
public struct SubqueryExpr: Sendable {
    /// The inner instant expression.
    public var expr: Expr
    /// Range in milliseconds.
    public var range: Int64
    /// Step in milliseconds; 0 means the engine's default.
    public var step: Int64
    /// Query-dependent range and step (`[range():step()]`); override `range`/`step`.
    public var rangeExpr: DurationExpr?
    /// See `rangeExpr`.
    public var stepExpr: DurationExpr?
    /// Offset in milliseconds.
    public var offset: Int64 = 0
    /// Query-dependent offset; overrides `offset`.
    public var offsetExpr: DurationExpr?
    /// The `@` modifier.
    public var at: AtModifier?
    /// Source position.
    public var position: PositionRange

    var description: String {
        let r = rangeExpr.map(\.description) ?? formatDuration(range)
        let s = stepExpr.map(\.description) ?? (step == 0 ? "" : formatDuration(step))
        return "\(expr)[\(r):\(s)]" + (at?.description ?? "") + (offsetExpr.map { " offset \($0)" } ?? offsetDescription(offset))
    }
}

/// `-expr` or `+expr`.
public struct UnaryExpr: Sendable {
    /// `.sub` or `.add`.
    public var op: BinaryOp
    /// The operand.
    public var expr: Expr
    /// Source position.
    public var position: PositionRange
}

/// Binary operators, spelled as in PromQL.
public enum BinaryOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", atan2
    case eql = "==", neq = "!=", gtr = ">", lss = "<", gte = ">=", lte = "<="
    case and, or, unless

    /// True for `==`, `!=`, `>`, `<`, `>=`, `<=`.
    public var isComparison: Bool { [.eql, .neq, .gtr, .lss, .gte, .lte].contains(self) }
    /// True for `and`, `or`, `unless`.
    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }

    /// Binding strength; higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: return 1
        case .and, .unless: return 2
        case .eql, .neq, .gtr, .lss, .gte, .lte: return 3
        case .add, .sub: return 4
        case .mul, .div, .mod, .atan2: return 5
        case .pow: return 6
        }
    }
}

/// How the two sides of a vector binary operation are matched.
public struct VectorMatching: Sendable {
    /// Matching cardinality.
    public enum Cardinality: Sendable { case oneToOne, manyToOne, oneToMany, manyToMany }
    /// The cardinality (`group_left` = many-to-one).
    public var card: Cardinality
    /// Labels of `on(...)` / `ignoring(...)`.
    public var matchingLabels: [String]
    /// True for `on`, false for `ignoring`.
    public var on: Bool
    /// Extra labels of `group_left(...)` / `group_right(...)`.
    public var include: [String]
    /// Experimental `fill_left(v)` / `fill(v)`: the value used when the left side has no match.
    public var fillLeft: Double?
    /// Experimental `fill_right(v)` / `fill(v)`: the value used when the right side has no match.
    public var fillRight: Double?

    var fillText: String {
        func num(_ v: Double) -> String { NumberLiteral(value: v, position: PositionRange(start: 0, end: 0)).description }
        if let l = fillLeft, let r = fillRight, l == r || (l.isNaN && r.isNaN) { return " fill(\(num(l)))" }
        return (fillLeft.map { " fill_left(\(num($0)))" } ?? "") + (fillRight.map { " fill_right(\(num($0)))" } ?? "")
    }
}

/// A binary operation.
public struct BinaryExpr: Sendable {
    /// The operator.
    public var op: BinaryOp
    /// Left operand.
    public var lhs: Expr
    /// Right operand.
    public var rhs: Expr
    /// The `bool` modifier of comparisons.
    public var returnBool: Bool
    /// Vector matching; nil when an operand is a scalar.
    public var matching: VectorMatching?
    /// Position of the operator token (annotations point here).
    public var opPosition: PositionRange

    var description: String {
        var m = ""
        if let vm = matching, vm.on || !vm.matchingLabels.isEmpty {
            m = " \(vm.on ? "on" : "ignoring") (\(vm.matchingLabels.joined(separator: ", ")))"
            if vm.card == .manyToOne || vm.card == .oneToMany {
                m += " group_\(vm.card == .manyToOne ? "left" : "right") (\(vm.include.joined(separator: ", ")))"
            }
        }
        if let vm = matching { m += vm.fillText }
        return "\(lhs) \(op.rawValue)\(returnBool ? " bool" : "")\(m) \(rhs)"
    }
}

/// A function call.
public struct Call: Sendable {
    /// The function.
    public var function: FunctionDef
    /// The arguments.
    public var args: [Expr]
    /// Source position.
    public var position: PositionRange
}

/// An aggregation such as `sum by (job) (x)`.
public struct AggregateExpr: Sendable {
    /// The aggregation operator.
    public var op: Aggregation.Op
    /// The aggregated expression.
    public var expr: Expr
    /// The parameter of topk, quantile, count_values, …
    public var param: Expr?
    /// `by` / `without` labels.
    public var grouping: [String]
    /// True for `without`.
    public var without: Bool
    /// Source position.
    public var position: PositionRange

    var description: String {
        var s = op.rawValue
        if without {
            s += " without (\(grouping.joined(separator: ", "))) "
        } else if !grouping.isEmpty {
            s += " by (\(grouping.joined(separator: ", "))) "
        }
        s += "("
        if let param { s += "\(param), " }
        return s + "\(expr))"
    }
}

/// Namespace for aggregation operators.
public enum Aggregation {
    /// Aggregation operators.
    public enum Op: String, Sendable {
        case sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk, quantile
        case countValues = "count_values", limitk, limitRatio = "limit_ratio"

        /// True for aggregations that take a parameter before the expression.
        public var hasParam: Bool { [.topk, .bottomk, .quantile, .countValues, .limitk, .limitRatio].contains(self) }
        /// True for aggregations behind Prometheus's experimental flag.
        public var isExperimental: Bool { self == .limitk || self == .limitRatio }
    }
}
