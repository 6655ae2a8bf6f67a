internal import Model

/// Comparing what the parser produced with a case's expected entries.
extension ExpositionConformance {
    /// An entry as the runner records it: metadata text, or a series with everything a case
    /// can check.
    struct ParsedEntry {
        var kind: String
        var metric: String?
        var text: String?
        var raw: String?
        var labels: Labels?
        var value: Double?
        var timestamp: Int64?
        var startTimestamp: Int64?
        var exemplar: Exemplar?

        init(_ entry: Entry, _ parser: inout ExpositionParser) {
            switch entry {
            case let .help(name, text): kind = "help"; metric = name; self.text = text
            case let .type(name, type): kind = "type"; metric = name; text = type.rawValue
            case let .unit(name, unit): kind = "unit"; metric = name; text = unit
            case let .comment(text): kind = "comment"; self.text = text
            case .series:
                kind = "series"
                raw = String(decoding: parser.seriesBytes, as: UTF8.self)
                labels = parser.labels()
                value = parser.value
                timestamp = parser.timestamp
                exemplar = parser.exemplar()
                startTimestamp = parser.startTimestamp()
            }
        }
    }

    static func compare(_ got: [ParsedEntry], _ expected: [ExpectedEntry]) -> Outcome {
        for (index, (g, e)) in zip(got, expected).enumerated() {
            if let problem = mismatch(g, e) { return .failed("entry \(index): \(problem)") }
        }
        if got.count != expected.count { return .failed("got \(got.count) entries, expected \(expected.count)") }
        return .passed
    }

    private static func mismatch(_ g: ParsedEntry, _ e: ExpectedEntry) -> String? {
        guard g.kind == e.kind else { return "kind \(g.kind), expected \(e.kind)" }
        switch e.kind {
        case "help", "type", "unit":
            let expectedText = e.text ?? e.type ?? e.unit ?? ""
            if g.metric != e.metric || g.text != expectedText {
                return "\(e.kind) \(g.metric ?? "") \(g.text.map(\.debugDescription) ?? ""), expected \(e.metric ?? "") \(expectedText.debugDescription)"
            }
        case "comment":
            if g.text != e.text { return "comment \(g.text ?? ""), expected \(e.text ?? "")" }
        default:
            return seriesMismatch(g, e)
        }
        return nil
    }

    private static func seriesMismatch(_ g: ParsedEntry, _ e: ExpectedEntry) -> String? {
        let name = g.raw ?? ""
        if let raw = e.raw, raw != g.raw { return "raw \(name.debugDescription), expected \(raw.debugDescription)" }
        if let labels = e.labels, Labels(labels) != g.labels {
            return "\(name): labels \(g.labels?.description ?? ""), expected \(Labels(labels))"
        }
        let expectedValue = e.value?.value ?? 0
        if let v = g.value, !(expectedValue.isNaN ? v.isNaN : v == expectedValue) {
            return "\(name): value \(v), expected \(expectedValue)"
        }
        if g.timestamp != e.timestampMs {
            return "\(name): timestamp \(String(describing: g.timestamp)), expected \(String(describing: e.timestampMs))"
        }
        if g.startTimestamp != e.startTimestampMs {
            return "\(name): start timestamp \(String(describing: g.startTimestamp)), expected \(String(describing: e.startTimestampMs))"
        }
        let expectedExemplar = e.exemplars?.first
        switch (g.exemplar, expectedExemplar) {
        case (nil, nil): break
        case let (got?, want?):
            if got.labels != Labels(want.labels) || !want.value.matches(got.value) || got.timestamp != want.timestampMs {
                return "\(name): exemplar \(got), expected \(want)"
            }
        default:
            return "\(name): exemplar \(String(describing: g.exemplar)), expected \(String(describing: expectedExemplar))"
        }
        return nil
    }
}
