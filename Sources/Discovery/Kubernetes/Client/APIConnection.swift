import Config
import Foundation

/// Where the API server is and how to authenticate to it, resolved from one of the three
/// set-ups Prometheus supports: explicit `api_server` + HTTP client options, a kubeconfig
/// file, or in-cluster (service account token and CA, `KUBERNETES_SERVICE_HOST/PORT`).
struct APIConnection: Sendable {
    /// How each request is authenticated; files are re-read per request so rotated
    /// credentials (projected service-account tokens) are picked up.
    enum Auth: Sendable {
        case none
        case basic(username: String, usernameFile: String, password: String, passwordFile: String)
        case header(type: String, credentials: String, credentialsFile: String)
    }

    /// Base URL without a trailing slash (may carry a path prefix).
    var baseURL: String
    var auth: Auth = .none
    var tls = StreamingRequest.TLS()
    var headers: [(String, String)] = []
    /// `http_headers` values read from files, re-read per request like credentials.
    var headerFiles: [(name: String, path: String)] = []
    var proxyURL: String?
    var followRedirects = true

    static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Resolves the connection for a validated `kubernetes_sd_config`.
    /// - Parameter environment: process environment (injectable for tests).
    /// - Throws: `KubernetesError.setup` for an unreadable kubeconfig or a missing in-cluster environment.
    static func resolve(_ config: KubernetesSDConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                        serviceAccountDirectory: String = serviceAccountDirectory) throws(KubernetesError) -> APIConnection {
        if let server = config.apiServer {
            return fromHTTPClient(server: server.string, config.httpClientConfig)
        }
        if !config.kubeconfigFile.isEmpty {
            return try KubeConfig.load(path: config.kubeconfigFile).connection()
        }
        return try inCluster(environment: environment, directory: serviceAccountDirectory)
    }

    static func fromHTTPClient(server: String, _ h: HTTPClientConfig) -> APIConnection {
        var c = APIConnection(baseURL: trimSlash(server))
        if let b = h.basicAuth {
            c.auth = .basic(username: b.username, usernameFile: b.usernameFile, password: b.password.value, passwordFile: b.passwordFile)
        } else if let a = h.authorization {
            c.auth = .header(type: a.type.isEmpty ? "Bearer" : a.type, credentials: a.credentials.value, credentialsFile: a.credentialsFile)
        } else if !h.bearerToken.isEmpty || !h.bearerTokenFile.isEmpty {
            c.auth = .header(type: "Bearer", credentials: h.bearerToken.value, credentialsFile: h.bearerTokenFile)
        }
        let t = h.tlsConfig
        c.tls.caFile = t.caFile.nonEmpty
        c.tls.caPEM = t.ca.nonEmpty.map { Array($0.utf8) }
        c.tls.certFile = t.certFile.nonEmpty
        c.tls.certPEM = t.cert.nonEmpty.map { Array($0.utf8) }
        c.tls.keyFile = t.keyFile.nonEmpty
        c.tls.keyPEM = t.key.value.nonEmpty.map { Array($0.utf8) }
        c.tls.insecureSkipVerify = t.insecureSkipVerify
        c.tls.minVersion = t.minVersion.nonEmpty
        c.proxyURL = h.proxyURL?.string
        c.followRedirects = h.followRedirects
        for (name, header) in (h.httpHeaders ?? [:]).sorted(by: { $0.key < $1.key }) {
            for v in header.values { c.headers.append((name, v)) }
            for v in header.secrets { c.headers.append((name, v.value)) }
            for f in header.files { c.headerFiles.append((name, f)) }
        }
        return c
    }

    /// client-go's `rest.InClusterConfig`.
    static func inCluster(environment: [String: String], directory: String) throws(KubernetesError) -> APIConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw .setup("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
        }
        let tokenFile = directory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw .setup("in-cluster service account token \(tokenFile) is not readable")
        }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        var c = APIConnection(baseURL: "https://\(bracketed):\(port)")
        c.auth = .header(type: "Bearer", credentials: "", credentialsFile: tokenFile)
        c.tls.caFile = directory + "/ca.crt"
        return c
    }

    /// The namespace lantern runs in (`namespaces.own_namespace`).
    /// - Throws: `KubernetesError.setup` when the file is missing or empty.
    static func ownNamespace(directory: String = serviceAccountDirectory) throws(KubernetesError) -> String {
        let file = directory + "/namespace"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw .setup("cannot read own namespace from \(file)") }
        let ns = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if ns.isEmpty { throw .setup("own namespace file \(file) is empty") }
        return ns
    }

    /// The `Authorization` header value or basic credentials for the next request.
    func credentials() throws(KubernetesError) -> (header: String?, basic: (String, String)?) {
        switch auth {
        case .none: return (nil, nil)
        case .basic(let user, let userFile, let password, let passwordFile):
            let u = userFile.isEmpty ? user : try Self.readSecret(userFile)
            let p = passwordFile.isEmpty ? password : try Self.readSecret(passwordFile)
            return (nil, (u, p))
        case .header(let type, let credentials, let file):
            let secret = file.isEmpty ? credentials : try Self.readSecret(file)
            return ("\(type) \(secret)", nil)
        }
    }

    /// Static headers plus the current contents of header files (unreadable files are skipped).
    func currentHeaders() -> [(String, String)] {
        headers + headerFiles.compactMap { h in (try? Self.readSecret(h.path)).map { (h.name, $0) } }
    }

    static func readSecret(_ path: String) throws(KubernetesError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .setup("cannot read credentials file \(path)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func trimSlash(_ s: String) -> String {
        var s = s
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
