import Model

extension Parser {
    /// Parses `{matchers}` after an optional metric name (the name token is already consumed).
    mutating func parseSelector(name: String?, start: Int) throws(ParseError) -> VectorSelector {
        var matchers: [Matcher] = []
        var metricName = name
        var end = tokens[max(index - 1, 0)].end
        if current.kind == .leftBrace {
            _ = advance()
            while current.kind != .rightBrace {
                let t = current
                let label: String
                switch t.kind {
                case .identifier: label = advance().text
                case .string: label = advance().value
                default: throw unexpected("label matching")
                }
                let opTok = current
                let type: Matcher.MatchType
                switch opTok.kind {
                case .assign: type = .equal
                case .neq: type = .notEqual
                case .eqlRegex: type = .regexMatch
                case .neqRegex: type = .regexNoMatch
                case .comma, .rightBrace:
                    // A bare quoted name: `{"my.metric"}`.
                    guard t.kind == .string else { throw unexpected("label matching") }
                    if metricName != nil {
                        throw ParseError(position: t.start, message: "metric name must not be set twice: \(quotedGo(metricName!)) or \(quotedGo(label))")
                    }
                    metricName = label
                    if current.kind == .comma { _ = advance() }
                    continue
                default:
                    throw unexpected("label matching")
                }
                _ = advance()
                guard current.kind == .string else { throw unexpected("label matching") }
                let valueTok = advance()
                do {
                    matchers.append(try Matcher(type, label, valueTok.value))
                } catch {
                    throw ParseError(position: valueTok.start, message: "\(error)")
                }
                if current.kind == .comma { _ = advance(); continue }
                guard current.kind == .rightBrace else { throw unexpected("label matching") }
            }
            end = advance().end
        }
        if let metricName {
            if let dup = matchers.first(where: { $0.name == LabelName.metricName }), name != nil {
                throw ParseError(position: start, message: "metric name must not be set twice: \(quotedGo(metricName)) or \(quotedGo(dup.value))")
            }
            matchers.insert(try! Matcher(.equal, LabelName.metricName, metricName), at: 0)
        }
        if !matchers.contains(where: { !$0.matchesEmpty }) {
            throw ParseError(position: start, message: "vector selector must contain at least one non-empty matcher")
        }
        nextSelectorID += 1
        return VectorSelector(name: metricName, matchers: matchers, id: nextSelectorID, position: PositionRange(start: start, end: end))
    }

    /// Parses `[range]`, `[range:step]`, `offset d` and `@ t` after a primary expression.
    mutating func parsePostfix(_ base: Expr) throws(ParseError) -> Expr {
        var e = base
        while true {
            switch current.kind {
            case .leftBracket:
                lastDepth += 1
                guard lastDepth <= Self.maxTreeDepth else { throw treeTooDeep(at: current.start) }
                e = try parseRangeOrSubquery(e)
            case .at:
                let atTok = advance()
                let at: AtModifier
                if isKeyword("start") || isKeyword("end") {
                    let isStart = advance().text.lowercased() == "start"
                    _ = try expect(.leftParen, "@ modifier")
                    _ = try expect(.rightParen, "@ modifier")
                    at = isStart ? .start : .end
                } else {
                    let v = try parseNumberArgument("@ modifier")
                    guard v.isFinite, abs(v) < 9.2e15 else {
                        throw ParseError(position: atTok.start, message: "timestamp out of bounds for @ modifier: \(v)")
                    }
                    at = .timestamp(Int64((v * 1000).rounded()))
                }
                e = try setModifier(e, at: at, offset: nil, position: atTok.start)
            case .identifier where isKeyword("smoothed") || isKeyword("anchored"):
                let smoothed = advance().text.lowercased() == "smoothed"
                switch e {
                case .vectorSelector(var v):
                    if smoothed { v.smoothed = true } else { v.anchored = true }
                    e = .vectorSelector(v)
                case .matrixSelector(var m):
                    if smoothed { m.vector.smoothed = true } else { m.vector.anchored = true }
                    e = .matrixSelector(m)
                default:
                    throw ParseError(position: tokens[index - 1].start, message: "\(smoothed ? "smoothed" : "anchored") modifier must be preceded by an instant vector selector or range vector selector")
                }
            case .identifier where isKeyword("offset"):
                let offTok = advance()
                let d = try parseOffsetDuration()
                e = try setModifier(e, at: nil, offset: d, position: offTok.start)
            default:
                return e
            }
        }
    }

    /// A bracket duration: a constant in ms, or the expression when it depends on the query.
    private mutating func parseBracketDuration() throws(ParseError) -> (Int64, DurationExpr?) {
        let start = current.start
        let d = try parseDurationExpr()
        guard d.isConstant else { return (0, d) }
        let exact = d.evaluate(step: 0, range: 0) * 1000
        if exact.isFinite, abs(exact) > DurationExpr.maxMilliseconds {
            throw ParseError(position: start, message: "duration out of range")
        }
        let ms = d.milliseconds(step: 0, range: 0)
        if ms <= 0 { throw ParseError(position: start, message: "duration must be greater than 0") }
        return (ms, nil)
    }

    private mutating func parseRangeOrSubquery(_ e: Expr) throws(ParseError) -> Expr {
        let open = advance()
        let (range, rangeExpr) = try parseBracketDuration()
        if current.kind == .rightBracket {
            let close = advance()
            guard case .vectorSelector(let vs) = e else {
                throw ParseError(position: e.position.start, message: "ranges only allowed for vector selectors")
            }
            if vs.offset != 0 || vs.offsetExpr != nil || vs.at != nil {
                throw ParseError(position: open.start, message: "no offset or @ modifier allowed before range")
            }
            return .matrixSelector(MatrixSelector(vector: vs, range: range, rangeExpr: rangeExpr,
                                                  position: PositionRange(start: vs.position.start, end: close.end)))
        }
        _ = try expect(.colon, "subquery")
        var step: Int64 = 0
        var stepExpr: DurationExpr?
        if current.kind != .rightBracket { (step, stepExpr) = try parseBracketDuration() }
        let close = try expect(.rightBracket, "subquery")
        let ty = e.type
        guard ty == .vector else {
            throw ParseError(position: e.position.start, message: "subquery is only allowed on instant vector, got \(ty.rawValue) instead")
        }
        return .subquery(SubqueryExpr(expr: e, range: range, step: step, rangeExpr: rangeExpr, stepExpr: stepExpr,
                                      position: PositionRange(start: e.position.start, end: close.end)))
    }

    private func setModifier(_ e: Expr, at: AtModifier?, offset: DurationExpr?, position: Int) throws(ParseError) -> Expr {
        func apply(_ curAt: inout AtModifier?, _ curOffset: inout Int64, _ curExpr: inout DurationExpr?) throws(ParseError) {
            if let at {
                if curAt != nil { throw ParseError(position: position, message: "@ <timestamp> may not be set multiple times") }
                curAt = at
            }
            if let offset {
                if curOffset != 0 || curExpr != nil {
                    throw ParseError(position: position, message: "offset may not be set multiple times")
                }
                if offset.isConstant { curOffset = offset.milliseconds(step: 0, range: 0) } else { curExpr = offset }
            }
        }
        let end = tokens[max(index - 1, 0)].end
        switch e {
        case .vectorSelector(var v):
            try apply(&v.at, &v.offset, &v.offsetExpr)
            v.position.end = end
            return .vectorSelector(v)
        case .matrixSelector(var m):
            try apply(&m.vector.at, &m.vector.offset, &m.vector.offsetExpr)
            m.position.end = end
            return .matrixSelector(m)
        case .subquery(var s):
            try apply(&s.at, &s.offset, &s.offsetExpr)
            s.position.end = end
            return .subquery(s)
        default:
            let what = at != nil ? "@ modifier" : "offset modifier"
            throw ParseError(position: position, message: "\(what) must be preceded by an instant vector selector or range vector selector or a subquery")
        }
    }

    /// Builds a binary expression, applying Prometheus's checks on operand types and modifiers.
    func makeBinary(_ op: BinaryOp, _ lhs: Expr, _ rhs: Expr, returnBool: Bool, matching: VectorMatching?,
                    opPosition: PositionRange) throws(ParseError) -> Expr {
        let lt = lhs.type, rt = rhs.type
        let pos = lhs.position.start
        for t in [lt, rt] where t != .scalar && t != .vector {
            throw ParseError(position: pos, message: "binary expression must contain only scalar and instant vector types")
        }
        if returnBool && !op.isComparison {
            throw ParseError(position: pos, message: "bool modifier can only be used on comparison operators")
        }
        if op.isComparison && !returnBool && lt == .scalar && rt == .scalar {
            throw ParseError(position: pos, message: "comparisons between scalars must use BOOL modifier")
        }
        if op.isSetOperator && (lt == .scalar || rt == .scalar) {
            throw ParseError(position: pos, message: "set operator \(quotedGo(op.rawValue)) not allowed in binary scalar expression")
        }
        var vm: VectorMatching?
        if lt == .vector && rt == .vector {
            vm = matching ?? VectorMatching(card: .oneToOne, matchingLabels: [], on: false, include: [])
            if op.isSetOperator {
                if vm!.card == .manyToOne || vm!.card == .oneToMany {
                    throw ParseError(position: pos, message: "no grouping allowed for \(quotedGo(op.rawValue)) operation")
                }
                vm!.card = .manyToMany
            }
            if vm!.on {
                for l in vm!.include where vm!.matchingLabels.contains(l) {
                    throw ParseError(position: pos, message: "label \(quotedGo(l)) must not occur in ON and GROUP clause at once")
                }
            }
        } else if let matching, !matching.matchingLabels.isEmpty || matching.card != .oneToOne
                    || matching.fillLeft != nil || matching.fillRight != nil {
            throw ParseError(position: pos, message: "vector matching only allowed between instant vectors")
        }
        return .binary(BinaryExpr(op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: vm, opPosition: opPosition))
    }
}

/// Type checks function arguments and aggregation operands, as Prometheus's `checkAST`.
enum TypeChecker {
    static func check(_ e: Expr) throws(ParseError) {
        switch e {
        case .number, .string, .vectorSelector, .matrixSelector: return
        case .subquery(let s): try check(s.expr)
        case .paren(let inner, _): try check(inner)
        case .unary(let u): try check(u.expr)
        case .binary(let b):
            try check(b.lhs)
            try check(b.rhs)
        case .call(let c):
            try checkCall(c)
            for a in c.args { try check(a) }
        case .aggregate(let a):
            try expectType(a.expr, .vector, "aggregation expression")
            if let p = a.param {
                try expectType(p, a.op == .countValues ? .string : .scalar, "aggregation parameter")
                try check(p)
            }
            try check(a.expr)
        }
    }

    static func expectType(_ e: Expr, _ want: ValueType, _ context: String) throws(ParseError) {
        let got = e.type
        if got != want {
            throw ParseError(position: e.position.start, message: "expected type \(want.rawValue) in \(context), got \(got.rawValue)")
        }
    }

    static func checkCall(_ c: Call) throws(ParseError) {
        let f = c.function
        let n = f.argTypes.count
        if f.variadic == 0 {
            if n != c.args.count {
                throw ParseError(position: c.position.start, message: "expected \(n) argument(s) in call to \(quotedGo(f.name)), got \(c.args.count)")
            }
        } else {
            let minArgs = n - 1
            if minArgs > c.args.count {
                throw ParseError(position: c.position.start, message: "expected at least \(minArgs) argument(s) in call to \(quotedGo(f.name)), got \(c.args.count)")
            }
            if f.variadic > 0 && minArgs + f.variadic < c.args.count {
                throw ParseError(position: c.position.start, message: "expected at most \(minArgs + f.variadic) argument(s) in call to \(quotedGo(f.name)), got \(c.args.count)")
            }
        }
        for (i, a) in c.args.enumerated() {
            let want = i < n ? f.argTypes[i] : f.argTypes[n - 1]
            try expectType(a, want, "call to function \(quotedGo(f.name))")
        }
    }
}
