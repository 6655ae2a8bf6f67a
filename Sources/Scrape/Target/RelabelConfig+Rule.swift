public import Config
public import Model

extension RelabelConfig {
    /// The engine's compiled form of this rule.
    /// - Throws: `MatcherError` when the regex is not RE2 (the loader already rejects that).
    public func rule() throws(MatcherError) -> RelabelRule {
        try RelabelRule(
            sourceLabels: sourceLabels, separator: separator, regex: regex, modulus: modulus,
            targetLabel: targetLabel, replacement: replacement, action: RelabelAction(rawValue: action.rawValue) ?? .replace
        )
    }
}

extension Array where Element == RelabelConfig {
    /// Compiles every rule, in order.
    public func rules() throws(MatcherError) -> [RelabelRule] {
        var out: [RelabelRule] = []
        for c in self { out.append(try c.rule()) }
        return out
    }
}
