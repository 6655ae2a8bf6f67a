import Testing
@testable import Query

/// Round trips: the parsed expression printed back as Prometheus's String() would.
@Test(arguments: [
    ("1 + 2 * 3", "1 + 2 * 3"),
    ("foo", "foo"),
    ("foo{a=\"b\", c!~'d.*'}", "foo{a=\"b\",c!~\"d.*\"}"),
    ("{\"utf8.name\", x=\"y\"}", "{\"utf8.name\",x=\"y\"}"),
    ("rate(foo[5m] offset -1m)", "rate(foo[5m] offset -1m)"),
    ("foo @ 100 offset 1h30m", "foo @ 100.000 offset 1h30m"),
    ("foo[5m] @ start()", "foo[5m] @ start()"),
    ("sum by (a, b) (foo)", "sum by (a, b) (foo)"),
    ("sum(foo) without (a)", "sum without (a) (foo)"),
    ("topk(3, foo)", "topk(3, foo)"),
    ("a + on(x) group_left(y) b", "a + on (x) group_left (y) b"),
    ("a > bool ignoring(x) b", "a > bool ignoring (x) b"),
    ("2 ^ 3 ^ 2", "2 ^ 3 ^ 2"),
    ("-2 ^ 2", "-2 ^ 2"),
    ("rate(foo[5m])[30m:1m]", "rate(foo[5m])[30m:1m]"),
    ("max_over_time((foo)[10m:])", "max_over_time((foo)[10m:])"),
    ("0x1F", "31"),
    ("Inf", "+Inf"),
    ("-inf", "-Inf"),
    ("5m", "5m"),
    ("\"a\\nb\"", "\"a\\nb\""),
    ("a and b or c unless d", "a and b or c unless d"),
    ("foo[5m+1m]", "foo[6m]"),
    ("foo[step():] offset -min_of(step(), 1s)", "foo[step():] offset -min_of(step(), 1s)"),
    ("a + on(x) group_left fill_left(5) fill_right(7) b", "a + on (x) group_left () fill_left(5) fill_right(7) b"),
    ("foo offset 100 + 2", "foo offset 1m40s + 2"),
    ("metric smoothed", "metric smoothed"),
])
func parsesAndPrints(_ c: (String, String)) throws {
    let e = try parseExpr(c.0)
    #expect(e.description == c.1)
}

@Test func precedenceAndAssociativity() throws {
    // ^ is right-associative: 2 ^ (3 ^ 2) = 512.
    guard case .binary(let b) = try parseExpr("2 ^ 3 ^ 2"), case .binary = b.rhs else {
        Issue.record("expected right-nested ^"); return
    }
    // unary minus binds looser than ^.
    guard case .unary(let u) = try parseExpr("-foo ^ 2"), case .binary(let inner) = u.expr else {
        Issue.record("expected -(foo ^ 2)"); return
    }
    #expect(inner.op == .pow)
    // and binds tighter than or.
    guard case .binary(let o) = try parseExpr("a or b and c") else { Issue.record("binary"); return }
    #expect(o.op == .or)
}

@Test(arguments: [
    ("1 + * 2", "1:5: parse error: unexpected <op:*>"),
    ("rate(foo)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
    ("rate(foo[5m], 1)", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2"),
    ("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
    ("1 == 1", "1:1: parse error: comparisons between scalars must use BOOL modifier"),
    ("1 and foo", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
    ("foo offset 1m offset 2m", "1:15: parse error: offset may not be set multiple times"),
    ("(foo)[5m]", "1:1: parse error: ranges only allowed for vector selectors"),
    ("sum(foo, bar)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2"),
    ("nosuchfn(foo)", "1:1: parse error: unknown function with name \"nosuchfn\""),
    ("foo{a=~\"(\"}", "1:8: parse error: invalid regular expression \"(\": missing closing ): `(`"),
    ("a + b\n  * ", "2:5: parse error: unexpected end of input"),
    ("sum(rate(foo[5m]))[5m]", "1:1: parse error: ranges only allowed for vector selectors"),
    ("foo[5m][10m:]", "1:1: parse error: subquery is only allowed on instant vector, got range vector instead"),
])
func reportsErrors(_ c: (String, String)) {
    #expect(throws: ParseError.self) { try parseExpr(c.0) }
    do { _ = try parseExpr(c.0) } catch { #expect(error.description == c.1) }
}
