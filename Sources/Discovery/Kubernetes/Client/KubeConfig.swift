import Foundation
import Yams

/// The parts of a kubeconfig file discovery uses: the current context's cluster and user
/// (client-go's `clientcmd`, without exec/auth-provider plugins).
struct KubeConfig: Decodable {
    struct Named<T: Decodable>: Decodable {
        var name: String
        var value: T?
        enum CodingKeys: String, CodingKey { case name, context, cluster, user }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
            value = try c.decodeIfPresent(T.self, forKey: .context) ?? c.decodeIfPresent(T.self, forKey: .cluster)
                ?? c.decodeIfPresent(T.self, forKey: .user)
        }
    }

    struct Context: Decodable {
        var cluster: String?
        var user: String?
    }

    struct Cluster: Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var proxyURL: String?
        enum CodingKeys: String, CodingKey {
            case server, certificateAuthority = "certificate-authority", certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify", proxyURL = "proxy-url"
        }
    }

    struct User: Decodable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var username: String?
        var password: String?
        enum CodingKeys: String, CodingKey {
            case token, tokenFile, clientCertificate = "client-certificate", clientCertificateData = "client-certificate-data"
            case clientKey = "client-key", clientKeyData = "client-key-data", username, password
        }
    }

    var currentContext: String?
    var contexts: [Named<Context>]?
    var clusters: [Named<Cluster>]?
    var users: [Named<User>]?
    /// Directory of the file, for relative paths inside it.
    var directory = ""

    enum CodingKeys: String, CodingKey { case currentContext = "current-context", contexts, clusters, users }

    /// Reads and parses a kubeconfig.
    /// - Throws: `KubernetesError.setup` when the file is unreadable or not a kubeconfig.
    static func load(path: String) throws(KubernetesError) -> KubeConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .setup("cannot read kubeconfig \(path)") }
        do {
            var config = try YAMLDecoder().decode(KubeConfig.self, from: text)
            config.directory = (path as NSString).deletingLastPathComponent
            return config
        } catch {
            throw .setup("cannot parse kubeconfig \(path): \(error)")
        }
    }

    /// The connection of the current context.
    /// - Throws: `KubernetesError.setup` when the context, cluster or server is missing.
    func connection() throws(KubernetesError) -> APIConnection {
        let contextName = currentContext ?? contexts?.first?.name ?? ""
        guard let context = contexts?.first(where: { $0.name == contextName })?.value ?? (contexts?.count == 1 ? contexts?.first?.value : nil)
        else { throw .setup("kubeconfig: context \(contextName) not found") }
        guard let cluster = clusters?.first(where: { $0.name == context.cluster })?.value, let server = cluster.server, !server.isEmpty else {
            throw .setup("kubeconfig: cluster \(context.cluster ?? "") has no server")
        }
        var c = APIConnection(baseURL: APIConnection.trimSlash(server))
        c.tls.caFile = cluster.certificateAuthority.map(resolve)
        c.tls.caPEM = try cluster.certificateAuthorityData.map(Self.base64)
        c.tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        c.proxyURL = cluster.proxyURL
        if let user = users?.first(where: { $0.name == context.user })?.value {
            c.tls.certFile = user.clientCertificate.map(resolve)
            c.tls.certPEM = try user.clientCertificateData.map(Self.base64)
            c.tls.keyFile = user.clientKey.map(resolve)
            c.tls.keyPEM = try user.clientKeyData.map(Self.base64)
            if let token = user.token, !token.isEmpty {
                c.auth = .header(type: "Bearer", credentials: token, credentialsFile: "")
            } else if let file = user.tokenFile, !file.isEmpty {
                c.auth = .header(type: "Bearer", credentials: "", credentialsFile: resolve(file))
            } else if let name = user.username, !name.isEmpty {
                c.auth = .basic(username: name, usernameFile: "", password: user.password ?? "", passwordFile: "")
            }
        }
        return c
    }

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
    }

    private static func base64(_ s: String) throws(KubernetesError) -> [UInt8] {
        guard let data = Data(base64Encoded: s.trimmingCharacters(in: .whitespacesAndNewlines), options: .ignoreUnknownCharacters) else {
            throw .setup("kubeconfig: invalid base64 data")
        }
        return [UInt8](data)
    }
}
