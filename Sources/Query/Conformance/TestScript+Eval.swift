import Foundation
import Model

extension TestScript {
    static func parseEval(_ block: [String], line: Int) -> ScriptCommand {
        let head = block[0]
        let w = words(head)
        guard w.count >= 3 else { return .invalid(line: line, reason: "bad eval header") }
        var cmd = w[0].lowercased()
        var expects: [EvalBlock.Expectation] = []
        switch cmd {
        case "eval_fail": expects.append(.init(kind: "fail")); cmd = "eval"
        case "eval_ordered": expects.append(.init(kind: "ordered")); cmd = "eval"
        case "eval_warn", "eval_info", "eval": break
        default: return .invalid(line: line, reason: "unknown eval command \(w[0])")
        }
        var block0: EvalBlock
        // The query is the rest of the header after the fixed words.
        func rest(after n: Int) -> String {
            var s = Substring(head)
            for _ in 0..<n {
                s = s.drop { $0 == " " || $0 == "\t" }
                s = s.drop { $0 != " " && $0 != "\t" }
            }
            return String(s).trimmingWhitespace
        }
        if w[1].lowercased() == "instant", w.count >= 4, w[2].lowercased() == "at", let at = parseDuration(w[3]) {
            block0 = EvalBlock(line: line, kind: .instant(at: at), query: rest(after: 4))
        } else if w[1].lowercased() == "range", w.count >= 8, w[2] == "from", w[4] == "to", w[6] == "step",
                  let s = parseDuration(w[3]), let e = parseDuration(w[5]), let st = parseDuration(w[7]) {
            block0 = EvalBlock(line: line, kind: .range(start: s, end: e, step: st), query: rest(after: 8))
        } else {
            return .invalid(line: line, reason: "bad eval header")
        }
        block0.legacyWarn = w[0].lowercased() == "eval_warn"
        block0.legacyInfo = w[0].lowercased() == "eval_info"
        block0.expects = expects
        for l in block.dropFirst() {
            let lw = words(l)
            if lw.first == "expect" {
                guard lw.count >= 2 else { return .invalid(line: line, reason: "bad expect line") }
                let kind = lw[1]
                if kind == "string" {
                    let q = l.components(separatedBy: "string").dropFirst().joined(separator: "string").trimmingWhitespace
                    guard let s = unquoteScript(q) else { return .invalid(line: line, reason: "bad expect string") }
                    block0.string = s
                    continue
                }
                if kind == "range", lw.count >= 9, lw[2] == "vector", lw[3] == "from", lw[5] == "to", lw[7] == "step",
                   let s = parseDuration(lw[4]), let e = parseDuration(lw[6]), let st = parseDuration(lw[8]) {
                    block0.rangeVector = (s, e, st)
                    continue
                }
                var e = EvalBlock.Expectation(kind: kind)
                if let r = l.range(of: "msg:") {
                    e.msg = String(l[r.upperBound...]).trimmingWhitespace
                } else if let r = l.range(of: "regex:") {
                    e.regex = String(l[r.upperBound...]).trimmingWhitespace
                }
                block0.expects.append(e)
                continue
            }
            if lw.first == "expected_fail_message" {
                block0.expects.removeAll { $0.kind == "fail" }
                block0.expects.append(.init(kind: "fail", msg: l.dropFirst("expected_fail_message".count).description.trimmingWhitespace))
                continue
            }
            if lw.first == "expected_fail_regexp" {
                block0.expects.removeAll { $0.kind == "fail" }
                block0.expects.append(.init(kind: "fail", regex: l.dropFirst("expected_fail_regexp".count).description.trimmingWhitespace))
                continue
            }
            if lw.count == 1, let v = parseScalarLine(lw[0]) {
                block0.scalar = v
                continue
            }
            guard let (desc, rest) = splitDescriptor(l), let labels = parseLabels(desc), let values = parseValues(rest) else {
                return .invalid(line: line, reason: "bad expectation line \(l)")
            }
            block0.series.removeAll { $0.labels == labels }
            block0.series.append(ScriptSeries(labels: labels, values: values))
        }
        return .eval(block0)
    }

    static func parseScalarLine(_ s: String) -> Double? {
        if let v = parseScriptNumber(s) { return v }
        var t = Substring(s)
        var sign = 1.0
        if t.hasPrefix("-") { sign = -1; t = t.dropFirst() } else if t.hasPrefix("+") { t = t.dropFirst() }
        if t.lowercased().hasPrefix("0x"), let v = UInt64(t.dropFirst(2), radix: 16) { return sign * Double(v) }
        return nil
    }

    /// Go-style unquoting of `"…"` or back-quoted text.
    static func unquoteScript(_ q: String) -> String? {
        guard let tokens = try? Lexer.tokenize(q), tokens.count == 2, tokens[0].kind == .string else { return nil }
        return tokens[0].value
    }
}
