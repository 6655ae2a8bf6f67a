public import Model

/// Label-name and label-value rules for label sets written in the configuration.
///
/// Names follow the metric name validation scheme (`utf8`: any non-empty UTF-8; `legacy`:
/// `[a-zA-Z_][a-zA-Z0-9_]*`); values must be UTF-8. Swift strings cannot hold invalid UTF-8, so the
/// YAML decoder turns such bytes (possible only through `!!binary`) into U+FFFD, and these checks
/// treat U+FFFD as the mark of invalid input, the way Prometheus rejects the raw bytes.
public enum LabelSetValidation {
    /// Whether `name` is a valid label name under `scheme`.
    public static func isValidName(_ name: String, _ scheme: NameValidationScheme) -> Bool {
        scheme.isValidLabelName(name) && isValidValue(name)
    }

    /// Whether `value` is a valid label value (valid UTF-8).
    public static func isValidValue(_ value: String) -> Bool {
        !value.unicodeScalars.contains("\u{FFFD}")
    }

    /// Throws on the first invalid name or value, in sorted name order (stable messages).
    /// - Throws: `ConfigError` (`.invalid`) at `path`.
    static func validate(_ labels: [String: String], scheme: NameValidationScheme, at path: String) throws(ConfigError) {
        for name in labels.keys.sorted() {
            if !isValidName(name, scheme) { throw .invalid("\(quoted(name)) is not a valid label name", at: path) }
            if let v = labels[name], !isValidValue(v) { throw .invalid("\(quoted(v)) is not a valid label value", at: path) }
        }
    }
}
