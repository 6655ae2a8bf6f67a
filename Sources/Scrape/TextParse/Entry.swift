public import Model

/// One item of a scrape body, as returned by ``ExpositionParser/next()``.
///
/// Metadata entries carry their decoded text. A ``series`` entry carries nothing: read the
/// sample from the parser (``ExpositionParser/seriesBytes``, ``ExpositionParser/value``,
/// ``ExpositionParser/timestamp``, ``ExpositionParser/labels()``) before calling `next()` again,
/// so the hot path never builds a `String`.
public enum Entry: Sendable, Equatable {
    /// `# HELP name text`, with the text unescaped.
    case help(name: String, text: String)
    /// `# TYPE name type`.
    case type(name: String, type: MetricType)
    /// `# UNIT name unit` (OpenMetrics only).
    case unit(name: String, unit: String)
    /// Any other `#` line of the text format, the whole line without its newline.
    case comment(String)
    /// A sample line; see the parser's series accessors.
    case series
}
