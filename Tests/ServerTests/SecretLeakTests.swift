import Foundation
import Testing

/// Secrets never leak: a real `lantern serve` with a distinct secret in every secret field of
/// prometheus.yml (inline and in files) and basic auth on the web server, driven into errors
/// (unreachable authenticated targets, discovery and remote write; a rejected reload), then
/// every endpoint and the whole debug log are searched for each secret.
@Suite(.timeLimit(.minutes(3)))
struct SecretLeakTests {
    static let webHash = "$2b$04$bsII6P5QFp8w0rm6KjqOyeQzRe00ferG7icP0RxS14ax4HZkbmSD6"
    static let webPassword = "S3CRET-web-password"

    /// Every secret, each distinct so a hit names the field that leaked.
    static let secrets = [
        "S3CRET-scrape-basic-password", "S3CRET-authorization-credentials", "S3CRET-legacy-bearer-token",
        "S3CRET-password-file-content", "S3CRET-credentials-file-content", "S3CRET-bearer-token-file-content",
        "S3CRET-http-header-secret", "S3CRET-kubernetes-password", "S3CRET-kubernetes-bearer",
        "S3CRET-remote-write-password", "S3CRET-remote-write-bearer", "S3CRET-remote-read-password",
        "S3CRET-bad-reload-password", "S3CRET-inline-tls-key", "S3CRET-key-file-content", "S3CRET-proxy-connect-header",
        "S3CRET-header-file-content", "S3CRET-self-scrape-password", webPassword, webHash,
    ]

    @Test func noSecretInAnyEndpointOrTheLog() async throws {
        let dir = try makeTemporaryDirectory()
        func write(_ name: String, _ text: String) throws {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("password.txt", "S3CRET-password-file-content\n")
        try write("credentials.txt", "S3CRET-credentials-file-content\n")
        try write("token.txt", "S3CRET-bearer-token-file-content\n")
        try write("key.pem", "-----BEGIN PRIVATE KEY-----\nS3CRET-key-file-content\n-----END PRIVATE KEY-----\n")
        try write("header.txt", "S3CRET-header-file-content\n")
        try write("web.yml", "basic_auth_users:\n  alice: \(Self.webHash)\n")
        let listen = try freePort()
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 500ms
            scrape_configs:
              - job_name: basic
                basic_auth: {username: scraper, password: S3CRET-scrape-basic-password}
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: authorization
                authorization: {credentials: S3CRET-authorization-credentials}
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: legacy-bearer
                bearer_token: S3CRET-legacy-bearer-token
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: password-file
                basic_auth: {username: scraper, password_file: password.txt}
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: credentials-file
                authorization: {type: Token, credentials_file: credentials.txt}
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: bearer-file
                bearer_token_file: token.txt
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: header
                http_headers: {X-Api-Key: {secrets: [S3CRET-http-header-secret]}}
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: inline-tls-key
                scheme: https
                tls_config: {cert: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n", key: "-----BEGIN PRIVATE KEY-----\\nS3CRET-inline-tls-key\\n-----END PRIVATE KEY-----\\n"}
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: tls-key-file
                scheme: https
                tls_config: {cert: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n", key_file: key.pem}
                static_configs: [{targets: ['127.0.0.1:1']}]
              - job_name: proxy
                proxy_url: http://127.0.0.1:1
                proxy_connect_header: {Proxy-Authorization: [S3CRET-proxy-connect-header]}
                http_headers: {X-Token: {files: [header.txt]}}
                static_configs: [{targets: ['127.0.0.1:2']}]
              - job_name: self-wrong-password
                basic_auth: {username: alice, password: S3CRET-self-scrape-password}
                static_configs: [{targets: ['127.0.0.1:\(listen)']}]
              - job_name: kubernetes
                kubernetes_sd_configs:
                  - role: pod
                    api_server: http://127.0.0.1:1
                    basic_auth: {username: kube, password: S3CRET-kubernetes-password}
                  - role: node
                    api_server: http://127.0.0.1:1
                    authorization: {credentials: S3CRET-kubernetes-bearer}
            remote_write:
              - url: http://127.0.0.1:1/write
                basic_auth: {username: rw, password: S3CRET-remote-write-password}
              - url: http://127.0.0.1:1/write2
                authorization: {credentials: S3CRET-remote-write-bearer}
            remote_read:
              - url: http://127.0.0.1:1/read
                basic_auth: {username: rr, password: S3CRET-remote-read-password}
            """
        try write("prometheus.yml", config)
        let lantern = try LanternProcess([
            "serve", "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:\(listen)", "--storage.path=data",
            "--web.config.file=web.yml", "--web.enable-lifecycle", "--log.level=debug",
        ], directory: dir)
        let port = try #require(await lantern.waitForPort(), "log:\n\(lantern.logText)")
        let base = "http://127.0.0.1:\(port)"
        let auth = ["-u", "alice:\(Self.webPassword)"]

        // Wait until every scrape job has failed at least once.
        let failed = await eventually(timeout: .seconds(30)) {
            let r = try? await CurlCLI.run(base + "/api/v1/targets", auth)
            return (r?.body.components(separatedBy: "\"health\":\"down\"").count ?? 0) - 1 >= 11
        }
        #expect(failed)
        let targets = try await CurlCLI.run(base + "/api/v1/targets", auth)
        #expect(targets.body.contains("401"), "the self-scrape with a wrong password is refused: \(targets.body)")

        // A reload that fails: the bad file carries a secret next to the error.
        let broken = """
              - job_name: broken
                basic_auth: {username: x, password: S3CRET-bad-reload-password, password_file: password.txt}
                static_configs: [{targets: ['127.0.0.1:1']}]

            """
        try write("prometheus.yml", config.replacingOccurrences(of: "scrape_configs:\n", with: "scrape_configs:\n" + broken))
        let reload = try await CurlCLI.run(base + "/-/reload", auth + ["-X", "POST"])
        #expect(reload.status == 500, "\(reload.body)")
        let wrongAuth = try await CurlCLI.run(base + "/api/v1/status/config", ["-u", "alice:S3CRET-bad-reload-password"])
        #expect(wrongAuth.status == 401)

        var bodies = [reload.body, reload.headers, wrongAuth.body, wrongAuth.headers]
        for path in ["/api/v1/status/config", "/api/v1/targets", "/api/v1/targets?state=any", "/api/v1/status/flags",
                     "/api/v1/status/runtimeinfo", "/api/v1/status/buildinfo", "/api/v1/targets/metadata",
                     "/api/v1/metadata", "/metrics", "/api/v1/query?query=up", "/api/v1/label/__name__/values",
                     "/federate?match[]=up", "/api/v1/export?match[]=up", "/api/v1/status/tsdb"] {
            let r = try await CurlCLI.run(base + path, auth)
            #expect(r.status == 200, "\(path)")
            bodies.append(r.headers + r.body)
        }
        let shown = try await CurlCLI.run(base + "/api/v1/status/config", auth)
        #expect(shown.body.contains("<secret>"))
        lantern.signal(SIGTERM)
        _ = await lantern.waitForExit()
        let log = lantern.logText
        #expect(log.contains("scrape") && log.contains("reload"), "the log should show the errors:\n\(log)")
        for secret in Self.secrets {
            #expect(!log.contains(secret), "\(secret) leaked into the log")
            for (i, body) in bodies.enumerated() { #expect(!body.contains(secret), "\(secret) leaked into response \(i)") }
        }
    }
}
