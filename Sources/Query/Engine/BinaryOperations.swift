import Foundation
import Model

extension Evaluator {
    func evalBinary(_ b: BinaryExpr, _ t: Timestamp) throws(QueryError) -> QueryValue {
        let lt = b.lhs.type, rt = b.rhs.type
        if lt == .scalar && rt == .scalar {
            let l = try evalScalar(b.lhs, t), r = try evalScalar(b.rhs, t)
            let (v, keep) = Evaluator.binop(b.op, l, r)
            return .scalar(b.op.isComparison ? (keep ? 1 : 0) : v)
        }
        if lt == .vector && rt == .vector {
            let lhs = try evalVector(b.lhs, t), rhs = try evalVector(b.rhs, t)
            let matching = b.matching ?? VectorMatching(card: .oneToOne, matchingLabels: [], on: false, include: [])
            switch b.op {
            case .and, .or, .unless: return .vector(setOperation(b.op, lhs, rhs, matching))
            default: return .vector(try vectorBinop(b, lhs, rhs, matching))
            }
        }
        // Vector and scalar.
        let scalarOnLeft = lt == .scalar
        let vec = try evalVector(scalarOnLeft ? b.rhs : b.lhs, t)
        let s = try evalScalar(scalarOnLeft ? b.lhs : b.rhs, t)
        var out: [VectorSample] = []
        out.reserveCapacity(vec.count)
        for el in vec {
            let (v, keep) = scalarOnLeft ? Evaluator.binop(b.op, s, el.value) : Evaluator.binop(b.op, el.value, s)
            if b.op.isComparison {
                if b.returnBool {
                    out.append(VectorSample(el.labels, keep ? 1 : 0, dropName: true))
                } else if keep {
                    out.append(VectorSample(el.labels, el.value, dropName: el.dropName))
                }
            } else {
                out.append(VectorSample(el.labels, v, dropName: true))
            }
        }
        return .vector(out)
    }

    /// Applies an arithmetic or comparison operator; for comparisons `keep` tells whether it holds
    /// and the value is the left operand.
    static func binop(_ op: BinaryOp, _ l: Double, _ r: Double) -> (Double, Bool) {
        switch op {
        case .add: return (l + r, true)
        case .sub: return (l - r, true)
        case .mul: return (l * r, true)
        case .div: return (l / r, true)
        case .pow: return (Foundation.pow(l, r), true)
        case .mod: return (fmod(l, r), true)
        case .atan2: return (Foundation.atan2(l, r), true)
        case .eql: return (l, l == r)
        case .neq: return (l, l != r)
        case .gtr: return (l, l > r)
        case .lss: return (l, l < r)
        case .gte: return (l, l >= r)
        case .lte: return (l, l <= r)
        case .and, .or, .unless: return (l, true)
        }
    }

    /// The labels two sides are matched on.
    static func signature(_ labels: Labels, _ m: VectorMatching) -> Labels {
        if m.on { return labels.keeping(Set(m.matchingLabels)) }
        return labels.removing(Set(m.matchingLabels).union([LabelName.metricName]))
    }

    func setOperation(_ op: BinaryOp, _ lhs: [VectorSample], _ rhs: [VectorSample], _ m: VectorMatching) -> [VectorSample] {
        switch op {
        case .and:
            let right = Set(rhs.map { Evaluator.signature($0.labels, m) })
            return lhs.filter { right.contains(Evaluator.signature($0.labels, m)) }
        case .unless:
            let right = Set(rhs.map { Evaluator.signature($0.labels, m) })
            return lhs.filter { !right.contains(Evaluator.signature($0.labels, m)) }
        default:
            let left = Set(lhs.map { Evaluator.signature($0.labels, m) })
            return lhs + rhs.filter { !left.contains(Evaluator.signature($0.labels, m)) }
        }
    }

    func vectorBinop(_ b: BinaryExpr, _ lhsIn: [VectorSample], _ rhsIn: [VectorSample], _ m: VectorMatching) throws(QueryError) -> [VectorSample] {
        var lhs = lhsIn, rhs = rhsIn
        if m.card == .oneToMany { swap(&lhs, &rhs) }
        var right: [Labels: VectorSample] = [:]
        for rs in rhs {
            let sig = Evaluator.signature(rs.labels, m)
            if let dup = right[sig] {
                let side = m.card == .oneToMany ? "left" : "right"
                let matched = m.on ? rs.labels.keeping(Set(m.matchingLabels)) : rs.labels.removing(Set(m.matchingLabels))
                let pair = [dup.labels, rs.labels].sorted()
                throw .exec("found duplicate series for the match group \(matched) on the \(side) hand-side of the operation: [\(pair[0]), \(pair[1])];many-to-many matching not allowed: matching labels must be unique on one side")
            }
            right[sig] = rs
        }
        var matchedOneToOne: Set<Labels> = []
        var matchedMany: [Labels: Set<Labels>] = [:]
        var out: [VectorSample] = []
        let dropsName = b.returnBool || !b.op.isComparison
        // As in Prometheus, fill values are not swapped with the sides for group_right:
        // fill_right fills the "one" side, fill_left the "many" side.
        let fillRight = m.fillRight
        let fillLeft = m.fillLeft
        var pairs: [(VectorSample, VectorSample, Labels)] = []
        for ls in lhs {
            let sig = Evaluator.signature(ls.labels, m)
            if let rs = right[sig] {
                pairs.append((ls, rs, sig))
            } else if let f = fillRight {
                pairs.append((ls, VectorSample(Evaluator.matchLabels(ls.labels, m), f, dropName: false), sig))
            }
        }
        if let f = fillLeft {
            let matchedLeft = Set(lhs.map { Evaluator.signature($0.labels, m) })
            for rs in rhs {
                let sig = Evaluator.signature(rs.labels, m)
                if !matchedLeft.contains(sig) { pairs.append((VectorSample(Evaluator.matchLabels(rs.labels, m), f, dropName: false), rs, sig)) }
            }
        }
        for (ls, rs, sig) in pairs {
            var (fl, fr) = (ls.value, rs.value)
            if m.card == .oneToMany { swap(&fl, &fr) }
            // Matching errors are detected before comparisons filter samples away.
            let metric = resultMetric(ls.labels, rs.labels, m)
            if m.card == .oneToOne {
                if !matchedOneToOne.insert(sig).inserted {
                    throw .exec("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
            } else if !matchedMany[sig, default: []].insert(metric).inserted {
                throw .exec("multiple matches for labels: grouping labels must ensure unique matches")
            }
            var (value, keep) = Evaluator.binop(b.op, fl, fr)
            if b.returnBool {
                value = keep ? 1 : 0
            } else if !keep {
                continue
            }
            if b.op.isComparison && !b.returnBool { value = fl }
            out.append(VectorSample(metric, value, dropName: dropsName || ls.dropName))
        }
        return out
    }

    /// Prometheus's `Labels.MatchLabels`: the `on` labels, or all but the `ignoring` labels and `__name__`.
    static func matchLabels(_ labels: Labels, _ m: VectorMatching) -> Labels {
        signature(labels, m)
    }

    func resultMetric(_ lhs: Labels, _ rhs: Labels, _ m: VectorMatching) -> Labels {
        var b = LabelsBuilder(lhs)
        if m.card == .oneToOne {
            if m.on {
                let keep = Set(m.matchingLabels)
                b.removeAll { !keep.contains($0) }
            } else {
                for l in m.matchingLabels { b.delete(l) }
            }
        }
        for l in m.include {
            if let v = rhs[l], !v.isEmpty { b.set(l, v) } else { b.delete(l) }
        }
        return b.labels()
    }
}
