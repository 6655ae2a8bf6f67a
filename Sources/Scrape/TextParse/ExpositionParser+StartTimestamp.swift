public import Model

/// OpenMetrics `_created` samples as start timestamps, the way Prometheus's
/// `OpenMetricsParser.StartTimestamp` finds them.
extension ExpositionParser {
    /// The start (creation) time of the current series in milliseconds, from the matching
    /// `<family>_created` sample of a counter, histogram or summary; nil if there is none or for
    /// the text format.
    ///
    /// It looks ahead within the family for a `_created` sample whose labels (minus `le` for
    /// histograms, `quantile` for summaries) equal the current ones, and remembers the answer so
    /// the other series of the same family and label set reuse it. The look-ahead makes this
    /// costly on large families: call it only when start timestamps are wanted.
    public mutating func startTimestamp() -> Timestamp? {
        guard format == .openMetrics, onSeries else { return nil }
        guard metricType.hasStartTimestamp else {
            cachedStartKey = nil
            return nil
        }
        let body = bytes
        return body.withUnsafeBytes { b in
            let currentKey = startKey(b, family: currentFamilyName(b))
            if let cached = cachedStartKey, cached == currentKey, cachedStartTimestamp > 0 {
                return cachedStartTimestamp
            }
            let found: (key: [UInt8], value: Double)?
            if let previous = startLookahead, pos < previous.end {
                // An earlier look-ahead passed this point and stopped at `end`: from here it
                // would stop at the same place with the same answer. Without this, a family of
                // n series and no `_created` costs n²/2 look-ahead lines (found by fuzzing:
                // 4,096 lines took 5.7 s).
                found = previous.found
            } else {
                var peek = self
                peek.ignoreExemplar = true
                peek.skipCreatedSeries = false
                var hit: (key: [UInt8], value: Double)?
                while true {
                    guard let entry = try? peek.nextOpenMetrics(b), entry == .series else { break }
                    guard peek.currentNameEndsWithCreated(b) else { continue }
                    let family = peek.offsets[0]..<(peek.offsets[1] - 8)
                    hit = (peek.startKey(b, family: family), peek.value)
                    break
                }
                startLookahead = (end: peek.pos, found: hit)
                found = hit
            }
            skipCreatedSeries = true
            guard let found, found.key == currentKey else {
                cachedStartKey = nil
                return nil
            }
            let st = GoFloat.milliseconds(fromSeconds: found.value)
            cachedStartTimestamp = st
            cachedStartKey = currentKey
            return st == 0 ? nil : st
        }
    }

    /// The family part of the current name: as many bytes as the last metadata line's name
    /// (Prometheus `mfNameLen`), clamped to the body.
    private func currentFamilyName(_ b: UnsafeRawBufferPointer) -> Range<Int> {
        let lower = offsets[0]
        let quotedInBraces = b[start] == ByteClass.braceOpen && start + 1 < b.count && b[start + 1] == ByteClass.quote
        let upper = min(b.count, start + familyNameLength + (quotedInBraces ? 2 : 0))
        return lower..<max(lower, upper)
    }

    /// Label names and values as written, minus `le`/`quantile` per type, then the family name.
    private func startKey(_ b: UnsafeRawBufferPointer, family: Range<Int>) -> [UInt8] {
        var key: [UInt8] = []
        for k in stride(from: 2, to: offsets.count, by: 4) {
            let name = UnsafeRawBufferPointer(rebasing: b[offsets[k]..<offsets[k + 1]])
            if metricType == .summary && name.elementsEqual("quantile".utf8) { continue }
            if metricType == .histogram && name.elementsEqual("le".utf8) { continue }
            key.append(contentsOf: name)
            key.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[offsets[k + 2]..<offsets[k + 3]]))
        }
        key.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[family]))
        return key
    }
}
