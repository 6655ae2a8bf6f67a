import Config
import Foundation
import Model
import Scrape
import Storage

extension PrometheusConfig {
    /// The storage's view of every `remote_write` entry (secrets and files resolved,
    /// relabel rules compiled, global external labels attached).
    func remoteWriteOptions() throws -> [RemoteWriteOptions] {
        let external = Labels(global.externalLabels)
        return try remoteWrite.map { c in
            var o = RemoteWriteOptions(url: c.url?.string ?? "", name: c.name)
            o.timeout = .milliseconds(c.remoteTimeout.milliseconds)
            o.headers = c.headers
            o.relabelRules = try c.writeRelabelConfigs.rules()
            o.externalLabels = external
            let http = c.httpClientConfig
            if let b = http.basicAuth {
                let user = b.usernameFile.isEmpty ? b.username : try Self.read(b.usernameFile)
                let pass = b.passwordFile.isEmpty ? b.password.value : try Self.read(b.passwordFile)
                o.basicAuth = (user, pass)
            }
            if let a = http.authorization {
                let cred = a.credentialsFile.isEmpty ? a.credentials.value : try Self.read(a.credentialsFile)
                o.authorization = (a.type.isEmpty ? "Bearer" : a.type, cred)
            } else if !http.bearerToken.isEmpty || !http.bearerTokenFile.isEmpty {
                o.authorization = ("Bearer", http.bearerTokenFile.isEmpty ? http.bearerToken.value : try Self.read(http.bearerTokenFile))
            }
            o.tls.caFile = http.tlsConfig.caFile
            o.tls.certFile = http.tlsConfig.certFile
            o.tls.keyFile = http.tlsConfig.keyFile
            o.tls.serverName = http.tlsConfig.serverName
            o.tls.insecureSkipVerify = http.tlsConfig.insecureSkipVerify
            let q = c.queueConfig
            o.queue.capacity = q.capacity
            o.queue.minShards = q.minShards
            o.queue.maxShards = q.maxShards
            o.queue.maxSamplesPerSend = q.maxSamplesPerSend
            o.queue.batchSendDeadline = .milliseconds(q.batchSendDeadline.milliseconds)
            o.queue.minBackoff = .milliseconds(q.minBackoff.milliseconds)
            o.queue.maxBackoff = .milliseconds(q.maxBackoff.milliseconds)
            o.queue.retryOnHTTP429 = q.retryOnHTTP429
            if q.sampleAgeLimit.milliseconds > 0 { o.maxAge = .milliseconds(q.sampleAgeLimit.milliseconds) }
            return o
        }
    }

    private static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
