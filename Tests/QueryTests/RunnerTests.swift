import Testing
@testable import Query

/// The runner itself: skip rules, strict checks and reporting on small inline scripts.
@Suite struct RunnerTests {
    func run(_ script: String, strict: Bool = true) -> ConformanceReport {
        var r = ConformanceReport()
        PromQLConformance.runScript(name: "inline.test", text: script, into: &r, verbose: false, strict: strict)
        return r
    }

    @Test func passesFailsAndSkips() {
        let r = run("""
        load 1m
          foo{a="1"} 0+1x10
          hist {{schema:0 count:1}}

        eval instant at 5m foo
          foo{a="1"} 5

        eval instant at 5m foo
          foo{a="1"} 6

        eval instant at 5m hist
          {} 1

        eval range from 0 to 2m step 1m foo * 2
          {a="1"} 0 2 4

        eval instant at 5m limitk(1, foo)
          foo{a="1"} 5
        """)
        #expect(r.cases.map(\.status) == [.pass, .fail, .skip, .pass, .skip])
        #expect(r.cases.map(\.line) == [5, 8, 11, 14, 17])
        #expect(r.summary == "2 passed, 1 failed, 2 skipped")
    }

    @Test func atModifierCheckRewritesSelectors() throws {
        let e = try parseExpr("sum(rate(foo[5m])) + max_over_time(bar[10m:1m]) + baz @ 10")
        #expect(e.settingAt(60_000).description == "sum(rate(foo[5m] @ 60.000)) + max_over_time(bar[10m:1m] @ 60.000) + baz @ 10.000")
    }
}
