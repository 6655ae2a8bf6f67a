public import Model

extension NameValidationScheme {
    /// Reads `metric_name_validation_scheme`: `utf8`, `legacy`, or empty for "unset" (nil).
    static func decodeSetting<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> NameValidationScheme? {
        guard let raw = try c.decodeIfPresent(String.self, forKey: key), !raw.isEmpty else { return nil }
        guard let scheme = NameValidationScheme(rawValue: raw) else {
            throw try c.superDecoder(forKey: key).typeError(
                "unrecognized ValidationScheme: \(quoted(raw)), must be either '', 'legacy' or 'utf8'")
        }
        return scheme
    }
}
