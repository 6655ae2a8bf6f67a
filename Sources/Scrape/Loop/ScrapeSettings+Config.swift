public import Config
import Foundation
import Model

extension ScrapeSettings {
    /// Resolves a job's `scrape_config` (defaults already applied by the loader).
    /// - Throws: `MatcherError` for a metric relabel regex the loader let through (it does not).
    public init(config c: ScrapeConfig, userAgent: String) throws {
        let protocols = c.scrapeProtocols ?? ScrapeProtocol.defaultProtocols
        self.init(jobName: c.jobName, acceptHeader: ScrapeProtocol.acceptHeader(protocols))
        honorLabels = c.honorLabels
        honorTimestamps = c.honorTimestamps
        sampleLimit = c.sampleLimit
        labelLimit = c.labelLimit
        labelNameLengthLimit = c.labelNameLengthLimit
        labelValueLengthLimit = c.labelValueLengthLimit
        bodySizeLimit = c.bodySizeLimit.bytes
        enableCompression = c.enableCompression
        fallbackProtocol = c.fallbackScrapeProtocol
        metricRelabelRules = try c.metricRelabelConfigs.rules()
        self.userAgent = userAgent
        let h = c.httpClientConfig
        if let b = h.basicAuth {
            credentials.basicAuth = .init(username: b.username, usernameFile: b.usernameFile, password: b.password.value, passwordFile: b.passwordFile)
        }
        if let a = h.authorization {
            credentials.authorization = .init(type: a.type.isEmpty ? "Bearer" : a.type, credentials: a.credentials.value, credentialsFile: a.credentialsFile)
        } else if !h.bearerToken.isEmpty || !h.bearerTokenFile.isEmpty {
            credentials.authorization = .init(type: "Bearer", credentials: h.bearerToken.value, credentialsFile: h.bearerTokenFile)
        }
        let t = h.tlsConfig
        tls.caFile = t.caFile.isEmpty ? nil : t.caFile
        tls.certFile = t.certFile.isEmpty ? nil : t.certFile
        tls.keyFile = t.keyFile.isEmpty ? nil : t.keyFile
        tls.serverName = t.serverName.isEmpty ? nil : t.serverName
        tls.insecureSkipVerify = t.insecureSkipVerify
        tls.minVersion = t.minVersion.isEmpty ? nil : t.minVersion
        proxyURL = h.proxyURL.map { "\($0)" }
        followRedirects = h.followRedirects
    }
}

/// Credentials that may live in files: Prometheus re-reads the file on every request, so a
/// rotated token is picked up without a reload.
public struct ScrapeCredentials: Sendable, Equatable {
    public struct Basic: Sendable, Equatable {
        var username: String, usernameFile: String, password: String, passwordFile: String
    }
    public struct Authorization: Sendable, Equatable {
        var type: String, credentials: String, credentialsFile: String
    }
    public var basicAuth: Basic?
    public var authorization: Authorization?

    public init() {}

    /// Reads the files now. A missing file fails the scrape with the file named.
    func resolve() throws -> (basic: (String, String)?, authorization: (String, String)?) {
        var basic: (String, String)?
        if let b = basicAuth {
            let user = b.usernameFile.isEmpty ? b.username : try Self.read(b.usernameFile)
            let pass = b.passwordFile.isEmpty ? b.password : try Self.read(b.passwordFile)
            basic = (user, pass)
        }
        var auth: (String, String)?
        if let a = authorization {
            auth = (a.type, a.credentialsFile.isEmpty ? a.credentials : try Self.read(a.credentialsFile))
        }
        return (basic, auth)
    }

    static func read(_ path: String) throws -> String {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw ScrapeError(message: "unable to read file \(path): \(error.localizedDescription)")
        }
    }
}
