import Model

/// `/api/v1/parse_query`'s answer: the parsed expression as the JSON tree Prometheus's
/// `translateAST` (`web/api/v1/translate_ast.go`) builds for its UI's tree view. Go encodes
/// those maps with sorted keys, so `Node.object` writes its members sorted too.
enum ASTJSON {
    /// A JSON value with Go's map ordering.
    indirect enum Node {
        case object([String: Node])
        case array([Node])
        case string(String)
        case int(Int64)
        case bool(Bool)
        case null

        func write(to w: inout JSONWriter) {
            switch self {
            case .object(let members):
                w.raw("{")
                for (i, key) in members.keys.sorted().enumerated() {
                    if i > 0 { w.raw(",") }
                    w.string(key)
                    w.raw(":")
                    members[key]!.write(to: &w)
                }
                w.raw("}")
            case .array(let items):
                w.raw("[")
                for (i, item) in items.enumerated() {
                    if i > 0 { w.raw(",") }
                    item.write(to: &w)
                }
                w.raw("]")
            case .string(let s): w.string(s)
            case .int(let v): w.int(v)
            case .bool(let b): w.bool(b)
            case .null: w.raw("null")
            }
        }
    }

    /// The rendered tree.
    static func render(_ expr: Expr) -> [UInt8] {
        var w = JSONWriter()
        translate(expr).write(to: &w)
        return w.bytes
    }

    static func translate(_ expr: Expr) -> Node {
        switch expr {
        case .aggregate(let a):
            return .object([
                "type": .string("aggregation"), "op": .string(a.op.rawValue), "expr": translate(a.expr),
                "param": a.param.map(translate) ?? .null, "grouping": strings(a.grouping), "without": .bool(a.without),
            ])
        case .binary(let b):
            var matching = Node.null
            if let m = b.matching {
                matching = .object([
                    "card": .string(cardinality(m.card)), "labels": strings(m.matchingLabels), "on": .bool(m.on),
                    "include": strings(m.include),
                    "fillValues": .object(["lhs": number(m.fillLeft), "rhs": number(m.fillRight)]),
                ])
            }
            return .object([
                "type": .string("binaryExpr"), "op": .string(b.op.rawValue), "lhs": translate(b.lhs), "rhs": translate(b.rhs),
                "matching": matching, "bool": .bool(b.returnBool),
            ])
        case .call(let c):
            let f = c.function
            return .object([
                "type": .string("call"),
                "func": .object([
                    "name": .string(f.name), "argTypes": .array(f.argTypes.map { .string(goValueType($0)) }),
                    "variadic": .int(Int64(f.variadic)), "returnType": .string(goValueType(f.returnType)),
                ]),
                "args": .array(c.args.map(translate)),
            ])
        case .matrixSelector(let m):
            var node = selector(m.vector)
            node["type"] = .string("matrixSelector")
            node["range"] = .int(m.rangeExpr == nil ? m.range : 0)
            node["rangeExpr"] = m.rangeExpr.map { translate($0) } ?? .null
            return .object(node)
        case .subquery(let s):
            return .object([
                "type": .string("subquery"), "expr": translate(s.expr),
                "range": .int(s.rangeExpr == nil ? s.range : 0), "rangeExpr": s.rangeExpr.map { translate($0) } ?? .null,
                "offset": .int(s.offsetExpr == nil ? s.offset : 0), "offsetExpr": s.offsetExpr.map { translate($0) } ?? .null,
                "step": .int(s.stepExpr == nil ? s.step : 0), "stepExpr": s.stepExpr.map { translate($0) } ?? .null,
                "timestamp": timestamp(s.at), "startOrEnd": startOrEnd(s.at),
            ])
        case .number(let n):
            return .object(["type": .string("numberLiteral"), "val": .string(goF(n.value))])
        case .paren(let e, _):
            return .object(["type": .string("parenExpr"), "expr": translate(e)])
        case .string(let s):
            return .object(["type": .string("stringLiteral"), "val": .string(s.value)])
        case .unary(let u):
            return .object(["type": .string("unaryExpr"), "op": .string(u.op.rawValue), "expr": translate(u.expr)])
        case .vectorSelector(let v):
            var node = selector(v)
            node["type"] = .string("vectorSelector")
            return .object(node)
        }
    }

    /// The members a vector selector and a matrix selector share.
    private static func selector(_ v: VectorSelector) -> [String: Node] {
        // Go's parser appends the matcher of a name written before the braces; ours puts it first.
        var matchers = v.matchers
        if let name = v.name, let first = matchers.first, first.name == LabelName.metricName, first.type == .equal, first.value == name {
            matchers.append(matchers.removeFirst())
        }
        return [
            "name": .string(v.name ?? ""),
            "offset": .int(v.offsetExpr == nil ? v.offset : 0), "offsetExpr": v.offsetExpr.map { translate($0) } ?? .null,
            "matchers": .array(matchers.map {
                .object(["name": .string($0.name), "value": .string($0.value), "type": .string($0.type.rawValue)])
            }),
            "timestamp": timestamp(v.at), "startOrEnd": startOrEnd(v.at),
            "anchored": .bool(v.anchored), "smoothed": .bool(v.smoothed),
        ]
    }

    /// Duration expressions (`[5m+1m]`, `offset step()`): Go's `DurationExpr` nodes; a paren
    /// marks its inner expression `wrapped`.
    static func translate(_ d: DurationExpr, wrapped: Bool = false) -> Node {
        func expr(_ op: String, _ lhs: Node, _ rhs: Node) -> Node {
            .object(["type": .string("durationExpr"), "op": .string(op), "lhs": lhs, "rhs": rhs, "wrapped": .bool(wrapped)])
        }
        switch d {
        case .literal(let v, let isDuration):
            return .object(["type": .string("numberLiteral"), "val": .string(goF(v)), "duration": .bool(isDuration)])
        case .step: return expr("step", .null, .null)
        case .range: return expr("range", .null, .null)
        case .negate(let e): return expr("-", .null, translate(e))
        case .paren(let e): return translate(e, wrapped: true)
        case .minMax(let isMax, let a, let b): return expr(isMax ? "max_of" : "min_of", translate(a), translate(b))
        case .binary(let op, let a, let b): return expr(op.rawValue, translate(a), translate(b))
        }
    }

    private static func strings(_ list: [String]) -> Node { .array(list.map { .string($0) }) }

    /// A float pointer in Go's JSON: `null`, or a number (our writer has no float node, and
    /// Go writes NaN/Inf fill values as an error; they are rendered as strings here).
    private static func number(_ v: Double?) -> Node {
        guard let v else { return .null }
        if v == v.rounded(), abs(v) < 1e15 { return .int(Int64(v)) }
        return .string(goF(v))
    }

    private static func goF(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return FloatFormat.goF(v)
    }

    private static func timestamp(_ at: AtModifier?) -> Node {
        if case .timestamp(let t) = at { return .int(t) }
        return .null
    }

    private static func startOrEnd(_ at: AtModifier?) -> Node {
        switch at {
        case .start: return .string("start")
        case .end: return .string("end")
        default: return .null
        }
    }

    private static func cardinality(_ c: VectorMatching.Cardinality) -> String {
        switch c {
        case .oneToOne: return "one-to-one"
        case .manyToOne: return "many-to-one"
        case .oneToMany: return "one-to-many"
        case .manyToMany: return "many-to-many"
        }
    }

    /// Go's `parser.ValueType` names (`vector`, `matrix`), not the documented ones.
    private static func goValueType(_ t: ValueType) -> String {
        switch t {
        case .vector: return "vector"
        case .matrix: return "matrix"
        case .scalar: return "scalar"
        case .string: return "string"
        case .none: return "none"
        }
    }
}
