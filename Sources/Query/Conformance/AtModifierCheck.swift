import Model

extension Expr {
    /// The expression with `@ t` on every selector and subquery that has none; parts inside a
    /// subquery stay untouched (as promqltest's `atModifierTestCases`).
    func settingAt(_ t: Timestamp) -> Expr {
        switch self {
        case .number, .string: return self
        case .vectorSelector(var v):
            if v.at == nil { v.at = .timestamp(t) }
            return .vectorSelector(v)
        case .matrixSelector(var m):
            if m.vector.at == nil { m.vector.at = .timestamp(t) }
            return .matrixSelector(m)
        case .subquery(var s):
            if s.at == nil { s.at = .timestamp(t) }
            return .subquery(s)
        case .paren(let e, let p): return .paren(e.settingAt(t), p)
        case .unary(var u):
            u.expr = u.expr.settingAt(t)
            return .unary(u)
        case .binary(var b):
            b.lhs = b.lhs.settingAt(t)
            b.rhs = b.rhs.settingAt(t)
            return .binary(b)
        case .call(var c):
            c.args = c.args.map { $0.settingAt(t) }
            return .call(c)
        case .aggregate(var a):
            a.expr = a.expr.settingAt(t)
            a.param = a.param?.settingAt(t)
            return .aggregate(a)
        }
    }

    /// Names of all functions called anywhere in the expression.
    var calledFunctions: Set<String> {
        switch self {
        case .number, .string, .vectorSelector, .matrixSelector: return []
        case .subquery(let s): return s.expr.calledFunctions
        case .paren(let e, _): return e.calledFunctions
        case .unary(let u): return u.expr.calledFunctions
        case .binary(let b): return b.lhs.calledFunctions.union(b.rhs.calledFunctions)
        case .call(let c): return c.args.reduce(into: [c.function.name]) { $0.formUnion($1.calledFunctions) }
        case .aggregate(let a): return a.expr.calledFunctions.union(a.param?.calledFunctions ?? [])
        }
    }
}

extension ScriptRunner {
    static let atModifierUnsafe: Set<String> = [
        "days_in_month", "day_of_month", "day_of_week", "day_of_year", "end", "hour", "minute", "month", "year",
        "predict_linear", "range", "start", "step", "time", "timestamp",
    ]

    /// FORMAT.md §9.2: the query with `@ T` added must give the same answer at other times.
    func checkAtModifier(_ b: EvalBlock, at t: Timestamp) -> String? {
        guard case .instant = b.kind, b.string == nil, b.rangeVector == nil, let expr = try? parseExpr(b.query),
              expr.calledFunctions.isDisjoint(with: ScriptRunner.atModifierUnsafe) else { return nil }
        let rewritten = expr.settingAt(t).description
        let times: [Timestamp] = t == 0 ? [-1000, 0, 1000] : [-10 * t, 0, t / 5, t, 10 * t]
        for et in times {
            var rb = b
            rb.query = rewritten
            rb.kind = .instant(at: et)
            if let msg = check(rb, rangeModeAt: et) { return "@ check (\(rewritten) at \(et)ms): \(msg)" }
        }
        return nil
    }
}
