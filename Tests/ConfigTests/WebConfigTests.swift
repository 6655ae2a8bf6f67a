import Testing
import Config

/// The `--web.config.file` document (exporter-toolkit's format), parsed as strictly as prometheus.yml.
@Suite struct WebConfigTests {
    static let hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi"

    func parse(_ yaml: String) throws(ConfigError) -> WebConfig {
        try WebConfigLoader.parse(yaml: yaml, baseDirectory: "/etc/lantern", source: "web.yml")
    }

    @Test func fullDocumentWithDefaultsAndResolvedPaths() throws {
        let c = try parse("""
            tls_server_config:
              cert_file: tls/server.pem
              key_file: /keys/server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.pem
              max_version: TLS12
              cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
            http_server_config:
              http2: false
              headers:
                X-Content-Type-Options: nosniff
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              alice: \(Self.hash)
            """)
        let tls = try #require(c.tlsServerConfig)
        #expect(c.tlsEnabled)
        #expect(tls.certFile == "/etc/lantern/tls/server.pem")
        #expect(tls.keyFile == "/keys/server.key")
        #expect(tls.clientCAFile == "/etc/lantern/ca.pem")
        #expect(tls.clientAuthType == .requireAndVerifyClientCert)
        #expect(tls.minVersion == "TLS12" && tls.maxVersion == "TLS12")
        #expect(c.httpServerConfig.headers.count == 2 && !c.httpServerConfig.http2)
        #expect(c.basicAuthUsers["alice"]?.value == Self.hash)
        #expect("\(c.basicAuthUsers)".contains(Self.hash) == false)
        // Empty document, and a TLS section without certificates: plain HTTP.
        #expect(try parse("") == WebConfig())
        #expect(try parse("tls_server_config: {}\n").tlsEnabled == false)
    }

    @Test func rejectionsNameTheFieldAndLine() {
        func check(_ yaml: String, _ expected: String, sourceLine: Int = #line) {
            do {
                _ = try parse(yaml)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.description == expected, "line \(sourceLine)")
            }
        }
        check("tls_server_config:\n  cert_file: a\n  key_file: b\n  bogus: 1\n",
              #"web.yml:4: tls_server_config: field "bogus" not found in type TLSConfig"#)
        check("tls_config: {}\n", #"web.yml:1: field "tls_config" not found in type Config"#)
        check("tls_server_config:\n  cert_file: a\n", "web.yml:1: tls_server_config.key_file: missing key_file")
        check("tls_server_config:\n  key_file: a\n", "web.yml:1: tls_server_config.cert_file: missing cert_file")
        check("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Maybe\n",
              "web.yml:4: tls_server_config.client_auth_type: invalid ClientAuth: Maybe")
        check("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n",
              "web.yml:1: tls_server_config.client_auth_type: Client CA's have been configured without a Client Auth Policy")
        check("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n",
              "web.yml:1: tls_server_config.client_ca_file: client_ca_file must be set when client_auth_type is RequireAndVerifyClientCert")
        check("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n",
              "web.yml:4: tls_server_config.min_version: unknown TLS version: TLS14")
        check("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_FOO]\n",
              "web.yml:4: tls_server_config.cipher_suites[0]: unknown cipher: TLS_FOO")
        check("tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [X25519]\n",
              "web.yml:4: tls_server_config.curve_preferences: curve_preferences is not supported by lantern (the TLS library chooses the curves)")
        check("http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
              #"web.yml:3: http_server_config.headers.X-Frame-Options: invalid value for X-Frame-Options. Expected one of: ["deny", "sameorigin"], but got: "allow""#)
        check("basic_auth_users:\n  bob: hunter2\n",
              #"web.yml:2: basic_auth_users.bob: the password of user "bob" is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 4-31, 60 characters)"#)
    }
}
