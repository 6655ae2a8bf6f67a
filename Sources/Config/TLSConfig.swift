/// `tls_config`: how to verify the server and which client certificate to present.
///
/// Each of CA, certificate and key may be inline or a file (re-read when it changes), never both;
/// a certificate needs a key and a key needs a certificate.
public struct TLSConfig: Codable, Sendable, Equatable {
    public var ca: String
    public var cert: String
    public var key: Secret
    public var caFile: String
    public var certFile: String
    public var keyFile: String
    public var serverName: String
    public var insecureSkipVerify: Bool
    /// `TLS10`…`TLS13`, or empty for the library default.
    public var minVersion: String
    public var maxVersion: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ca, cert, key, caFile = "ca_file", certFile = "cert_file", keyFile = "key_file"
        case serverName = "server_name", insecureSkipVerify = "insecure_skip_verify"
        case minVersion = "min_version", maxVersion = "max_version"
    }

    static let versions = ["TLS10", "TLS11", "TLS12", "TLS13"]

    /// An empty (default) TLS configuration.
    public init() {
        ca = ""; cert = ""; key = ""; caFile = ""; certFile = ""; keyFile = ""
        serverName = ""; insecureSkipVerify = false; minVersion = ""; maxVersion = ""
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "TLSConfig", unsupported: [
            "ca_ref": "no secret manager", "cert_ref": "no secret manager", "key_ref": "no secret manager",
        ])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ca = try c.value(.ca, "")
        cert = try c.value(.cert, "")
        key = try c.value(.key, "")
        caFile = try c.value(.caFile, "")
        certFile = try c.value(.certFile, "")
        keyFile = try c.value(.keyFile, "")
        serverName = try c.value(.serverName, "")
        insecureSkipVerify = try c.value(.insecureSkipVerify, false)
        minVersion = try Self.version(c, .minVersion)
        maxVersion = try Self.version(c, .maxVersion)
    }

    private static func version(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String {
        guard let v = try c.decodeIfPresent(String.self, forKey: key) else { return "" }
        guard versions.contains(v) else {
            throw try c.superDecoder(forKey: key).typeError("unknown TLS version: \(v)")
        }
        return v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (k, v) in [(CodingKeys.ca, ca), (.cert, cert), (.caFile, caFile), (.certFile, certFile), (.keyFile, keyFile),
                       (.serverName, serverName), (.minVersion, minVersion), (.maxVersion, maxVersion)] where !v.isEmpty {
            try c.encode(v, forKey: k)
        }
        if !key.isEmpty { try c.encode(key, forKey: .key) }
        try c.encode(insecureSkipVerify, forKey: .insecureSkipVerify)
    }

    func validate(at path: String) throws(ConfigError) {
        if !ca.isEmpty && !caFile.isEmpty { throw .invalid("at most one of ca, ca_file & ca_ref must be configured", at: path) }
        if !cert.isEmpty && !certFile.isEmpty { throw .invalid("at most one of cert, cert_file & cert_ref must be configured", at: path) }
        if !key.isEmpty && !keyFile.isEmpty { throw .invalid("at most one of key and key_file must be configured", at: path) }
        let usingCert = !cert.isEmpty || !certFile.isEmpty
        let usingKey = !key.isEmpty || !keyFile.isEmpty
        if usingCert && !usingKey {
            throw .invalid("exactly one of key or key_file must be configured when a client certificate is configured", at: path)
        }
        if usingKey && !usingCert {
            throw .invalid("exactly one of cert or cert_file must be configured when a client key is configured", at: path)
        }
    }

    mutating func resolvePaths(_ resolve: PathResolver) {
        caFile = resolve(caFile)
        certFile = resolve(certFile)
        keyFile = resolve(keyFile)
    }
}
