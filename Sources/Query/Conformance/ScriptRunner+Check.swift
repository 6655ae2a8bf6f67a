import Foundation
import Model

/// FORMAT.md §7.1.
func scriptFloatsEqual(_ e: Double, _ a: Double) -> Bool {
    if e.isStaleMarker || a.isStaleMarker { return e.isStaleMarker && a.isStaleMarker }
    if e.isNaN && a.isNaN { return true }
    return almostEqual(e, a, 1e-6)
}

func describeValue(_ v: Double) -> String {
    v.isStaleMarker ? "stale" : FloatFormat.goG(v)
}

extension ScriptRunner {
    /// Runs the block and, in strict mode, the @-modifier variants; nil when every expectation holds.
    func check(_ b: EvalBlock) -> String? {
        if let msg = check(b, rangeModeAt: nil) { return msg }
        guard strict, case .instant(let at) = b.kind else { return nil }
        return checkAtModifier(b, at: at)
    }

    /// Runs the block once; nil when every expectation holds, else the first failure.
    func check(_ b: EvalBlock, rangeModeAt _: Timestamp?) -> String? {
        let failExpect = b.expects.first { $0.kind == "fail" }
        let result: QueryResult
        do {
            switch b.kind {
            case .instant(let at):
                result = try engine.instantQuery(b.query, at: b.rangeVector?.end ?? at, source: source)
            case .range(let s, let e, let step):
                if b.expects("ordered") { return "ordered is not allowed for range queries" }
                result = try engine.rangeQuery(b.query, start: s, end: e, step: step, source: source)
            }
        } catch {
            guard let f = failExpect else { return "unexpected error: \(error)" }
            return matches(f, error.message) ? nil : "error \(quotedGo(error.message)) does not match expectation"
        }
        if failExpect != nil { return "expected the query to fail, got a result" }
        if let msg = checkAnnotations(b, result) { return msg }
        if let msg = checkValue(b, result.value) { return msg }
        if strict, case .instant(let at) = b.kind, b.string == nil, b.rangeVector == nil {
            return checkRangeMode(b, at: at, instant: result.value)
        }
        return nil
    }

    func matches(_ e: EvalBlock.Expectation, _ text: String) -> Bool {
        if let m = e.msg { return text == m }
        if let r = e.regex {
            guard let re = try? Regex(r) else { return false }
            return text.contains(re)
        }
        return true
    }

    func checkAnnotations(_ b: EvalBlock, _ r: QueryResult) -> String? {
        for (kind, list, legacy) in [("warn", r.warnings, b.legacyWarn), ("info", r.infos, b.legacyInfo)] {
            let texts = list.map(\.description)
            if b.expects("no_" + kind), let first = texts.first { return "unexpected \(kind) annotation: \(first)" }
            let wanted = b.expects.filter { $0.kind == kind }
            if legacy && texts.isEmpty { return "expected a \(kind) annotation" }
            guard !wanted.isEmpty else { continue }
            if texts.isEmpty { return "expected a \(kind) annotation, got none" }
            for w in wanted where !texts.contains(where: { matches(w, $0) }) {
                return "no \(kind) annotation matches \(w.msg ?? w.regex ?? ""); got \(texts)"
            }
            for t in texts where !wanted.contains(where: { matches($0, t) }) {
                return "unexpected \(kind) annotation: \(t)"
            }
        }
        return nil
    }

    func checkValue(_ b: EvalBlock, _ v: QueryValue) -> String? {
        if let want = b.string {
            guard case .string(let s) = v else { return "expected a string, got \(kindName(v))" }
            return s == want ? nil : "expected string \(quotedGo(want)), got \(quotedGo(s))"
        }
        if let want = b.scalar {
            guard case .scalar(let s) = v else { return "expected scalar \(describeValue(want)), got \(kindName(v))" }
            return scriptFloatsEqual(want, s) ? nil : "expected scalar \(describeValue(want)), got \(describeValue(s))"
        }
        switch b.kind {
        case .range(let s, _, let step):
            guard case .matrix(let m) = v else { return "expected a matrix, got \(kindName(v))" }
            return checkMatrix(b, m, start: s, step: step)
        case .instant:
            if let rv = b.rangeVector {
                guard case .matrix(let m) = v else { return "expected a range vector, got \(kindName(v))" }
                return checkMatrix(b, m, start: rv.start, step: rv.step)
            }
            guard case .vector(let vec) = v else { return "expected an instant vector, got \(kindName(v))" }
            return checkVector(b, vec)
        }
    }

    func kindName(_ v: QueryValue) -> String {
        switch v {
        case .scalar: return "scalar"
        case .string: return "string"
        case .vector: return "vector"
        case .matrix: return "matrix"
        }
    }

    func checkVector(_ b: EvalBlock, _ vec: [VectorSample]) -> String? {
        var expected: [Labels: Double] = [:]
        for s in b.series {
            guard s.values.count == 1, case .float(let f) = s.values[0] else { return "bad expectation for \(s.labels)" }
            expected[s.labels] = f
        }
        for (i, s) in vec.enumerated() {
            guard let e = expected[s.labels] else { return "unexpected series \(s.labels) \(describeValue(s.value))" }
            if !scriptFloatsEqual(e, s.value) { return "\(s.labels): expected \(describeValue(e)), got \(describeValue(s.value))" }
            if b.expects("ordered"), i < b.series.count, b.series[i].labels != s.labels {
                return "ordering: expected \(b.series[i].labels) at position \(i), got \(s.labels)"
            }
        }
        if vec.count != expected.count {
            let got = Set(vec.map(\.labels))
            let missing = expected.keys.filter { !got.contains($0) }.map(\.description).sorted()
            return "expected \(expected.count) series, got \(vec.count); missing \(missing)"
        }
        return nil
    }

    func checkMatrix(_ b: EvalBlock, _ m: [RangeSeries], start: Timestamp, step: Int64) -> String? {
        for i in m.indices.dropFirst() where !(m[i - 1].labels < m[i].labels) {
            return "matrix not sorted by labels at \(m[i].labels)"
        }
        var expected: [Labels: [Sample]] = [:]
        for s in b.series {
            var pts: [Sample] = []
            for (i, v) in s.values.enumerated() {
                if case .float(let f) = v { pts.append(Sample(t: start + Int64(i) * step, v: f)) }
            }
            expected[s.labels] = pts
        }
        for s in m {
            guard let e = expected[s.labels] else { return "unexpected series \(s.labels)" }
            if e.count != s.points.count {
                return "\(s.labels): expected \(e.count) points \(e.map { "\(describeValue($0.v))@\($0.t)" }), got \(s.points.map { "\(describeValue($0.v))@\($0.t)" })"
            }
            for (x, y) in zip(e, s.points) where x.t != y.t || !scriptFloatsEqual(x.v, y.v) {
                return "\(s.labels): expected \(describeValue(x.v))@\(x.t), got \(describeValue(y.v))@\(y.t)"
            }
        }
        if m.count != expected.count { return "expected \(expected.count) series, got \(m.count)" }
        return nil
    }

    /// FORMAT.md §9.1: the instant query also run as a range query around T must agree at T.
    func checkRangeMode(_ b: EvalBlock, at t: Timestamp, instant: QueryValue) -> String? {
        for f in ["start", "end", "range", "step"] where b.query.contains(f + "()") { return nil }
        let r: QueryResult
        do {
            r = try engine.rangeQuery(b.query, start: t - 60_000, end: t + 60_000, step: 60_000, source: source)
        } catch {
            return "range-mode check: unexpected error: \(error)"
        }
        guard case .matrix(let m) = r.value else { return "range-mode check: not a matrix" }
        if !b.expects("ordered") {
            for i in m.indices.dropFirst() where !(m[i - 1].labels < m[i].labels) { return "range-mode check: matrix not sorted" }
        }
        var vec: [VectorSample] = []
        for s in m {
            if let p = s.points.first(where: { $0.t == t }) { vec.append(VectorSample(labels: s.labels, value: p.v)) }
        }
        var value = QueryValue.vector(vec)
        if case .scalar = instant { value = .scalar(vec.first?.value ?? .nan) }
        var rb = b
        rb.expects.removeAll { $0.kind == "ordered" }
        if let msg = checkValue(rb, value) { return "range-mode check: \(msg)" }
        return nil
    }
}
