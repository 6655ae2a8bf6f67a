import Foundation
import Logging
import Testing
@testable import Server

/// `--web.config.file` (TLS, client certificates, basic auth, headers) with real clients:
/// the `curl` CLI against the `lantern` binary on 127.0.0.1, certificates made by `openssl`.
@Suite(.timeLimit(.minutes(3)))
struct AccessControlTests {
    /// bcrypt (cost 4) of "right-password", made with libxcrypt (Python's `crypt`).
    static let hash = "$2b$04$9aLKia0Nc2pScSjd9R0Rn.VeDocR8O86yHA2Fl0FtnVNMfCnuHQ5e"

    @Test func tlsWithRequiredClientCertificatesAndBasicAuth() async throws {
        let dir = try makeTemporaryDirectory()
        let pki = try TestPKI(in: dir)
        try """
        tls_server_config:
          cert_file: server.pem
          key_file: server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.pem
          min_version: TLS12
        http_server_config:
          http2: false
          headers:
            X-Frame-Options: deny
        basic_auth_users:
          alice: \(Self.hash)
        """.write(to: dir.appendingPathComponent("web.yml"), atomically: true, encoding: .utf8)
        let lantern = try LanternProcess([
            "serve", "--web.listen-address=127.0.0.1:0", "--storage.path=data", "--web.config.file=web.yml",
        ], directory: dir)
        let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")
        #expect(lantern.logText.contains("TLS is enabled."))
        let base = "https://127.0.0.1:\(port)"
        let cert = ["--cacert", pki.ca, "--cert", pki.clientCert, "--key", pki.clientKey]

        for path in ["/-/healthy", "/-/ready", "/metrics", "/api/v1/query?query=1", "/federate?match[]=up", "/api/v1/labels", "/api/v1/label/job/values",
                     "/api/v1/status/config", "/api/v1/targets", "/api/v1/export?match[]=up"] {
            let ok = try await CurlCLI.run(base + path, cert + ["-u", "alice:right-password"])
            #expect(ok.status == 200, "\(path): exit \(ok.exitCode) \(ok.body)")
            #expect(ok.headers.lowercased().contains("x-frame-options: deny"), "\(path)")
            let denied = try await CurlCLI.run(base + path, cert + ["-u", "alice:wrong-password"])
            #expect(denied.status == 401, "\(path)")
            #expect(denied.headers.lowercased().contains("www-authenticate: basic"), "\(path)")
        }
        // Lifecycle and admin endpoints answer 401 before saying they are disabled.
        for path in ["/-/reload", "/-/quit", "/api/v1/admin/tsdb/snapshot", "/api/v1/read", "/nope"] {
            #expect(try await CurlCLI.run(base + path, cert + ["-X", "POST"]).status == 401, "\(path)")
        }
        #expect(try await CurlCLI.run(base + "/metrics", cert).status == 401)
        let missing = try await CurlCLI.run(base + "/nope", cert + ["-u", "alice:right-password"])
        #expect(missing.status == 404 && missing.headers.lowercased().contains("x-frame-options: deny"))
        #expect(try await CurlCLI.run(base + "/metrics", cert + ["-u", "mallory:right-password"]).status == 401)
        // The cached verification still accepts, and still rejects other passwords.
        #expect(try await CurlCLI.run(base + "/-/healthy", cert + ["-u", "alice:right-password"]).status == 200)

        // TLS itself: no client certificate, one from another CA, an unknown server CA, plain HTTP.
        let noCert = try await CurlCLI.run(base + "/-/healthy", ["--cacert", pki.ca, "-u", "alice:right-password"])
        #expect(noCert.status != 200 && noCert.exitCode != 0)
        let stranger = try await CurlCLI.run(base + "/-/healthy", ["--cacert", pki.ca, "--cert", pki.strangerCert, "--key", pki.strangerKey, "-u", "alice:right-password"])
        #expect(stranger.status != 200 && stranger.exitCode != 0)
        let unknownCA = try await CurlCLI.run(base + "/-/healthy", ["--cert", pki.clientCert, "--key", pki.clientKey])
        #expect(unknownCA.exitCode == 60)
        let plain = try await CurlCLI.run("http://127.0.0.1:\(port)/-/healthy", ["-u", "alice:right-password"])
        #expect(plain.status != 200)
        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0, "log:\n\(lantern.logText)")
    }

    @Test func tlsWithoutClientCertificatesAndOptionalOnes() async throws {
        let dir = try makeTemporaryDirectory()
        let pki = try TestPKI(in: dir)
        for (auth, strangerPasses) in [
            ("NoClientCert", true), ("RequestClientCert", true), ("VerifyClientCertIfGiven", false), ("RequireAnyClientCert", true),
        ] {
            let ca = auth == "NoClientCert" ? "" : "\n  client_ca_file: ca.pem"
            try """
            tls_server_config:
              cert_file: server.pem
              key_file: server.key
              client_auth_type: \(auth)\(ca)
            """.write(to: dir.appendingPathComponent("web.yml"), atomically: true, encoding: .utf8)
            let lantern = try LanternProcess([
                "serve", "--web.listen-address=127.0.0.1:0", "--storage.path=data-\(auth)", "--web.config.file=web.yml",
            ], directory: dir)
            let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")
            let base = "https://127.0.0.1:\(port)/-/healthy"
            let bare = try await CurlCLI.run(base, ["--cacert", pki.ca])
            #expect((bare.status == 200) == (auth != "RequireAnyClientCert"), "\(auth): \(bare)")
            let stranger = try await CurlCLI.run(base, ["--cacert", pki.ca, "--cert", pki.strangerCert, "--key", pki.strangerKey])
            #expect((stranger.status == 200) == strangerPasses, "\(auth): \(stranger)")
            let client = try await CurlCLI.run(base, ["--cacert", pki.ca, "--cert", pki.clientCert, "--key", pki.clientKey])
            #expect(client.status == 200, "\(auth)")
            lantern.signal(SIGTERM)
            #expect(await lantern.waitForExit() == 0)
        }
    }

    @Test func rotatedCertificatesAreServedWithoutRestart() async throws {
        let dir = try makeTemporaryDirectory()
        let pki = try TestPKI(in: dir)
        try "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
            .write(to: dir.appendingPathComponent("web.yml"), atomically: true, encoding: .utf8)
        let lantern = try LanternProcess([
            "serve", "--web.listen-address=127.0.0.1:0", "--storage.path=data", "--web.config.file=web.yml",
        ], directory: dir)
        let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")
        #expect(try pki.presentedSubject(port: port).contains("CN = 127.0.0.1"))
        try pki.rotateServerCertificate(commonName: "rotated")
        #expect(try pki.presentedSubject(port: port).contains("CN = rotated"))
        #expect(try await CurlCLI.run("https://127.0.0.1:\(port)/-/healthy", ["--cacert", pki.ca]).status == 200)
        lantern.signal(SIGTERM)
        #expect(await lantern.waitForExit() == 0)
        #expect(lantern.logText.contains("TLS certificate reloaded"))
    }

    @Test func badWebConfigsStopTheServerNamingFileAndField() async throws {
        let dir = try makeTemporaryDirectory()
        let cases: [(String, [String])] = [
            ("tls_server_config:\n  cert_file: a.pem\n  key_file: a.key\n  bogus: 1\n", ["web.yml:4", "tls_server_config", "bogus", "not found in type TLSConfig"]),
            ("tls_server_config:\n  cert_file: missing.pem\n  key_file: missing.key\n", ["web.yml", "tls_server_config.cert_file", "missing.pem"]),
            ("basic_auth_users:\n  bob: not-a-hash\n", ["web.yml:2", "basic_auth_users.bob", "bcrypt"]),
            ("tls_server_config:\n  cert_file: a.pem\n  key_file: a.key\n  client_auth_type: Sometimes\n", ["web.yml:4", "invalid ClientAuth: Sometimes"]),
            ("http_server_config:\n  headers:\n    Server: lantern\n", ["http_server_config.headers.Server", "can not be configured"]),
            ("tls_server_config:\n  cert_file: a.pem\n  key_file: a.key\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", ["cipher_suites[0]", "not supported"]),
        ]
        for (yaml, expected) in cases {
            try yaml.write(to: dir.appendingPathComponent("web.yml"), atomically: true, encoding: .utf8)
            let lantern = try LanternProcess(["serve", "--web.listen-address=127.0.0.1:0", "--storage.path=data", "--web.config.file=web.yml"], directory: dir)
            #expect(await lantern.waitForExit() == 1, "\(yaml)")
            for text in expected { #expect(lantern.logText.contains(text), "\(text) in:\n\(lantern.logText)") }
            #expect(lantern.logText.contains("error loading web config"))

            let check = try LanternProcess(["check", "web-config", "web.yml"], directory: dir, captureStdout: true)
            #expect(await check.waitForExit() == 1)
            #expect(check.stdoutText.contains("web.yml FAILED"), "\(check.stdoutText)")
        }
        try "basic_auth_users:\n  alice: \(Self.hash)\n".write(to: dir.appendingPathComponent("good.yml"), atomically: true, encoding: .utf8)
        let check = try LanternProcess(["check", "web-config", "good.yml"], directory: dir, captureStdout: true)
        #expect(await check.waitForExit() == 0)
        #expect(check.stdoutText.contains("good.yml SUCCESS"))
    }

    /// Same accept/reject verdicts as `promtool check web-config` (Debian's Prometheus), where installed.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")))
    func webConfigVerdictsMatchPromtool() async throws {
        let dir = try makeTemporaryDirectory()
        _ = try TestPKI(in: dir)
        let tls = "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
        let cases = [
            "basic_auth_users:\n  alice: \(Self.hash)\n",
            tls + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n",
            tls + "  min_version: TLS13\n",
            tls + "http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n",
            "basic_auth_users:\n  bob: plain\n",
            "tls_server_config:\n  cert_file: server.pem\n",
            tls + "  bogus: 1\n",
            tls + "  client_auth_type: Sometimes\n",
            tls + "  client_ca_file: ca.pem\n",
            tls + "  min_version: TLS14\n",
            tls + "  cipher_suites: [TLS_FOO]\n",
            "http_server_config:\n  headers:\n    Server: lantern\n",
            "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
            "basic_auth: {}\n",
        ]
        for yaml in cases {
            try yaml.write(to: dir.appendingPathComponent("web.yml"), atomically: true, encoding: .utf8)
            let ours = try LanternProcess(["check", "web-config", "web.yml"], directory: dir, captureStdout: true)
            let theirs = try LanternProcess(["check", "web-config", "web.yml"], directory: dir, executable: URL(fileURLWithPath: "/usr/bin/promtool"))
            let (a, b) = (await ours.waitForExit(), await theirs.waitForExit())
            #expect(a == b, "\(yaml)lantern: \(ours.stdoutText)promtool: \(theirs.logText)")
        }
    }

    @Test func bcryptVerificationAndCache() async throws {
        #expect(Bcrypt.verifyBlocking(password: "right-password", hash: Self.hash))
        #expect(!Bcrypt.verifyBlocking(password: "wrong", hash: Self.hash))
        #expect(!Bcrypt.verifyBlocking(password: "right-password", hash: "not-a-hash"))
        let auth = BasicAuthenticator(users: ["alice": Self.hash], capacity: 2)
        #expect(await auth.verify(user: "alice", password: "right-password"))
        #expect(await auth.verify(user: "alice", password: "right-password"))
        #expect(await !auth.verify(user: "alice", password: "wrong"))
        #expect(await !auth.verify(user: "bob", password: "right-password"))
        #expect(await auth.cachedCount == 1)
        #expect(AccessMiddleware.credentials("Basic YWxpY2U6cDpx")! == ("alice", "p:q"))
        #expect(AccessMiddleware.credentials("Bearer x") == nil)
    }
}
