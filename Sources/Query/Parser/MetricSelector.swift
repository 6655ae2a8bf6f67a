public import Model

/// Parses a series selector such as `up{job="api"}` or `{__name__=~"http_.*"}` into its
/// matchers, as Prometheus's `parser.ParseMetricSelector` does for `match[]` parameters.
/// - Throws: `ParseError` when the text is not a single instant-vector selector.
public func parseMetricSelector(_ text: String) throws(ParseError) -> [Matcher] {
    let expr = try parseExpr(text)
    guard case .vectorSelector(let selector) = expr else {
        var error = ParseError(position: 0, message: "expected a series selector, got \(quoted(text))")
        error.query = text
        throw error
    }
    guard selector.matchers.contains(where: { !$0.matchesEmpty }) else {
        var error = ParseError(position: 0, message: "vector selector must contain at least one non-empty matcher")
        error.query = text
        throw error
    }
    return selector.matchers
}
