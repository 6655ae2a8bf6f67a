/// `tls_server_config` of the web configuration: the certificate Lantern's HTTP server presents
/// and how it treats client certificates (exporter-toolkit's names and defaults).
///
/// Only file-based certificates are supported (`cert_file`, `key_file`, `client_ca_file`);
/// the inline and SAN-allowlist fields of newer exporter-toolkit versions are refused by name.
public struct TLSServerConfig: Codable, Sendable, Equatable {
    /// Go's `tls.ClientAuthType` names, as exporter-toolkit spells them.
    public enum ClientAuth: String, Codable, Sendable, CaseIterable {
        case noClientCert = "NoClientCert"
        case requestClientCert = "RequestClientCert"
        case requireAnyClientCert = "RequireAnyClientCert"
        case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

        /// Whether presented client certificates are checked against `client_ca_file`.
        public var verifies: Bool { self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert }
    }

    public var certFile: String
    public var keyFile: String
    public var clientAuthType: ClientAuth
    public var clientCAFile: String
    /// `TLS10`…`TLS13`; exporter-toolkit's default minimum is TLS 1.2.
    public var minVersion: String
    public var maxVersion: String
    /// IANA names (Go's `tls.CipherSuiteName`); empty means the library default.
    public var cipherSuites: [String]
    /// Accepted and ignored: the server's order always wins in Lantern's TLS stack (and Go ≥ 1.17).
    public var preferServerCipherSuites: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case certFile = "cert_file", keyFile = "key_file", clientAuthType = "client_auth_type"
        case clientCAFile = "client_ca_file", minVersion = "min_version", maxVersion = "max_version"
        case cipherSuites = "cipher_suites", preferServerCipherSuites = "prefer_server_cipher_suites"
    }

    /// TLS 1.2 cipher suites by IANA name → their code points (the AEAD suites Go enables by default).
    /// TLS 1.3 suites are not configurable, in Go either.
    public static let supportedCipherSuites: [String: UInt16] = [
        "TLS_RSA_WITH_AES_128_GCM_SHA256": 0x009C, "TLS_RSA_WITH_AES_256_GCM_SHA384": 0x009D,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": 0xC02C,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": 0xC02F, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": 0xC030,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA8, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA9,
    ]

    /// Go's other suite names: known, but refused (CBC/RC4/3DES suites BoringSSL drops or Go marks insecure).
    static let refusedCipherSuites: Set<String> = [
        "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    ]

    /// An empty section (TLS off).
    public init() {
        certFile = ""; keyFile = ""; clientAuthType = .noClientCert; clientCAFile = ""
        minVersion = "TLS12"; maxVersion = "TLS13"; cipherSuites = []; preferServerCipherSuites = true
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "TLSConfig", unsupported: [
            "cert": "only cert_file", "key": "only key_file", "client_ca": "only client_ca_file",
            "curve_preferences": "the TLS library chooses the curves", "client_allowed_sans": "no SAN allowlist",
        ])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        certFile = try c.value(.certFile, "")
        keyFile = try c.value(.keyFile, "")
        clientCAFile = try c.value(.clientCAFile, "")
        let auth = try c.value(.clientAuthType, "")
        if auth.isEmpty {
            clientAuthType = .noClientCert
        } else if let a = ClientAuth(rawValue: auth) {
            clientAuthType = a
        } else {
            throw try c.superDecoder(forKey: .clientAuthType).typeError("invalid ClientAuth: \(auth)")
        }
        minVersion = try Self.version(c, .minVersion) ?? "TLS12"
        maxVersion = try Self.version(c, .maxVersion) ?? "TLS13"
        cipherSuites = try c.value(.cipherSuites, [])
        for (i, name) in cipherSuites.enumerated() where Self.supportedCipherSuites[name] == nil {
            let d = try c.superDecoder(forKey: .cipherSuites)
            var e = d.typeError(Self.refusedCipherSuites.contains(name)
                ? "cipher \(name) is not supported by lantern (only the TLS 1.2 AEAD suites: \(Self.supportedCipherSuites.keys.sorted().joined(separator: ", ")))"
                : "unknown cipher: \(name)")
            e.keyPath = KeyPath.index(e.keyPath, i)
            throw e
        }
        preferServerCipherSuites = try c.value(.preferServerCipherSuites, true)
    }

    private static func version(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
        guard let v = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard TLSConfig.versions.contains(v) else { throw try c.superDecoder(forKey: key).typeError("unknown TLS version: \(v)") }
        return v
    }

    /// Whether TLS is on: exporter-toolkit serves plain HTTP when no certificate is configured.
    public var isEnabled: Bool { !certFile.isEmpty || !keyFile.isEmpty }

    func validate(at path: String) throws(ConfigError) {
        guard isEnabled else {
            if clientAuthType != .noClientCert || !clientCAFile.isEmpty {
                throw .invalid("client certificates are configured but TLS is not: missing cert_file and key_file", at: path)
            }
            return
        }
        if certFile.isEmpty { throw .invalid("missing cert_file", at: KeyPath.join(path, "cert_file")) }
        if keyFile.isEmpty { throw .invalid("missing key_file", at: KeyPath.join(path, "key_file")) }
        if !clientCAFile.isEmpty, clientAuthType == .noClientCert {
            throw .invalid("Client CA's have been configured without a Client Auth Policy", at: KeyPath.join(path, "client_auth_type"))
        }
        if clientAuthType.verifies, clientCAFile.isEmpty {
            throw .invalid("client_ca_file must be set when client_auth_type is \(clientAuthType.rawValue)", at: KeyPath.join(path, "client_ca_file"))
        }
        if let lo = TLSConfig.versions.firstIndex(of: minVersion), let hi = TLSConfig.versions.firstIndex(of: maxVersion), lo > hi {
            throw .invalid("min_version \(minVersion) is newer than max_version \(maxVersion)", at: KeyPath.join(path, "min_version"))
        }
    }

    mutating func resolvePaths(_ resolve: PathResolver) {
        certFile = resolve(certFile)
        keyFile = resolve(keyFile)
        clientCAFile = resolve(clientCAFile)
    }
}
