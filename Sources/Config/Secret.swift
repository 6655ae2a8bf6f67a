/// A credential from the configuration (password, token, TLS key) that never prints.
///
/// Prometheus marshals secrets as `<secret>` so a config dump or a log line cannot leak them; Lantern
/// does the same in `description` and when encoding, unless the encoder's `userInfo` sets
/// `Secret.revealKey` to `true` (tests and `check config --show-secrets`-style tools only).
public struct Secret: Codable, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable,
    ExpressibleByStringLiteral {
    /// The secret text itself; read it only where it is used (an HTTP header, a TLS handshake).
    public var value: String

    /// Wraps `value`.
    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    /// Whether the secret is empty (unset).
    public var isEmpty: Bool { value.isEmpty }

    /// Always `<secret>`.
    public var description: String { "<secret>" }
    /// Always `<secret>`, so `debugPrint` and string interpolation in logs cannot leak it either.
    public var debugDescription: String { "<secret>" }
    /// No children, so `dump(config)` prints `<secret>` too.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Set to `true` in an encoder's `userInfo` to encode the real value instead of `<secret>`.
    public static let revealKey = CodingUserInfoKey(rawValue: "lantern.config.revealSecrets")!

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(encoder.userInfo[Self.revealKey] as? Bool == true ? value : description)
    }
}
