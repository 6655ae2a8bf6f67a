import Model

/// One classic histogram bucket: cumulative count up to `upperBound`.
struct Bucket {
    var upperBound: Double
    var count: Double
}

/// Prometheus's `almost.Equal` (relative tolerance, exact near zero).
func almostEqual(_ a: Double, _ b: Double, _ epsilon: Double) -> Bool {
    let minNormal = 2.2250738585072014e-308
    if a.isNaN && b.isNaN { return true }
    if a == b { return true }
    let absSum = abs(a) + abs(b)
    let diff = abs(a - b)
    if a == 0 || b == 0 || absSum < minNormal { return diff < epsilon * minNormal }
    return diff / Swift.min(absSum, Double.greatestFiniteMagnitude) < epsilon
}

/// Sorted buckets with equal bounds merged.
private func coalesce(_ input: [Bucket]) -> [Bucket] {
    let sorted = input.sorted { $0.upperBound < $1.upperBound }
    var out: [Bucket] = []
    for b in sorted {
        if let last = out.last, last.upperBound == b.upperBound {
            out[out.count - 1].count += b.count
        } else {
            out.append(b)
        }
    }
    return out
}

/// Prometheus's `BucketQuantile`; also reports whether monotonicity had to be forced.
func bucketQuantile(_ q: Double, _ input: [Bucket]) -> (Double, Bool) {
    if q.isNaN { return (.nan, false) }
    if q < 0 { return (-.infinity, false) }
    if q > 1 { return (.infinity, false) }
    var buckets = coalesce(input)
    guard let last = buckets.last, last.upperBound == .infinity else { return (.nan, false) }
    var forced = false
    var prev = buckets[0].count
    for i in 1..<buckets.count {
        let cur = buckets[i].count
        if cur == prev { continue }
        if almostEqual(prev, cur, 1e-12) {
            buckets[i].count = prev
            continue
        }
        if cur < prev {
            buckets[i].count = prev
            forced = true
            continue
        }
        prev = cur
    }
    if buckets.count < 2 { return (.nan, forced) }
    let observations = buckets[buckets.count - 1].count
    if observations == 0 { return (.nan, forced) }
    var rank = q * observations
    var b = 0
    while b < buckets.count - 1 && buckets[b].count < rank { b += 1 }
    if b == buckets.count - 1 { return (buckets[buckets.count - 2].upperBound, forced) }
    if b == 0 && buckets[0].upperBound <= 0 { return (buckets[0].upperBound, forced) }
    var bucketStart = 0.0
    let bucketEnd = buckets[b].upperBound
    var count = buckets[b].count
    if b > 0 {
        bucketStart = buckets[b - 1].upperBound
        count -= buckets[b - 1].count
        rank -= buckets[b - 1].count
    }
    return (bucketStart + (bucketEnd - bucketStart) * (rank / count), forced)
}

/// Prometheus's `BucketFraction`.
func bucketFraction(_ lower: Double, _ upper: Double, _ input: [Bucket]) -> Double {
    let buckets = coalesce(input)
    guard let lastBucket = buckets.last, lastBucket.upperBound == .infinity else { return .nan }
    let count = lastBucket.count
    if count == 0 || lower.isNaN || upper.isNaN { return .nan }
    if lower >= upper { return 0 }
    var rank = 0.0, lowerRank = 0.0, upperRank = 0.0
    var lowerSet = false, upperSet = false
    for (i, b) in buckets.enumerated() {
        var lowerBound = -Double.infinity
        if i > 0 {
            lowerBound = buckets[i - 1].upperBound
        } else if b.upperBound > 0 {
            // The first bucket is assumed to start at 0 when its upper bound is positive.
            lowerBound = 0
        }
        let upperBound = b.upperBound
        func interpolate(_ v: Double) -> Double {
            // No interpolation inside a bucket of infinite width: its observations sit at the infinite end.
            if lowerBound == -.infinity { return b.count }
            if upperBound == .infinity { return rank }
            return rank + (b.count - rank) * (v - lowerBound) / (upperBound - lowerBound)
        }
        if !lowerSet && lowerBound >= lower { lowerRank = rank; lowerSet = true }
        if !upperSet && lowerBound >= upper { upperRank = rank; upperSet = true }
        if lowerSet && upperSet { break }
        if !lowerSet && lowerBound < lower && upperBound > lower { lowerRank = interpolate(lower); lowerSet = true }
        if !upperSet && lowerBound < upper && upperBound > upper { upperRank = interpolate(upper); upperSet = true }
        if lowerSet && upperSet { break }
        rank = b.count
    }
    if !lowerSet || lowerRank > count { lowerRank = count }
    if !upperSet || upperRank > count { upperRank = count }
    return (upperRank - lowerRank) / count
}

extension Evaluator {
    /// `histogram_quantile` and `histogram_fraction` over classic `le` buckets.
    func classicHistogram(_ c: Call, _ t: Timestamp) throws(QueryError) -> [VectorSample] {
        let isQuantile = c.function.name == "histogram_quantile"
        let vecArg = c.args[isQuantile ? 1 : 2]
        let q = try evalScalar(c.args[0], t)
        let upper = isQuantile ? 0 : try evalScalar(c.args[1], t)
        let input = try evalVector(vecArg, t)
        if isQuantile && (q.isNaN || q < 0 || q > 1) && !input.isEmpty {
            annotate(.warning, "quantile value should be between 0 and 1, got \(FloatFormat.goG(q))", c.args[0].position)
        }
        var groups: [Labels: Int] = [:]
        var list: [(labels: Labels, buckets: [Bucket])] = []
        for s in input {
            let le = s.labels[LabelName.bucket] ?? ""
            guard let bound = parseNumber(le) else {
                annotate(.warning, "bucket label \(quotedGo("le")) is missing or has a malformed value of \(quotedGo(le)) for metric name \(quotedGo(s.labels.metricName ?? ""))", vecArg.position)
                continue
            }
            let key = s.labels.removing([LabelName.bucket])
            if let i = groups[key] {
                list[i].buckets.append(Bucket(upperBound: bound, count: s.value))
            } else {
                groups[key] = list.count
                list.append((key, [Bucket(upperBound: bound, count: s.value)]))
            }
        }
        return list.map { g in
            let v: Double
            if isQuantile {
                let (r, forced) = bucketQuantile(q, g.buckets)
                if forced {
                    annotate(.info, "input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name \(quotedGo(g.labels.metricName ?? ""))", vecArg.position)
                }
                v = r
            } else {
                v = bucketFraction(q, upper, g.buckets)
            }
            return VectorSample(g.labels, v, dropName: true)
        }
    }
}
