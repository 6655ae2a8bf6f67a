import Config
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging

/// What `--web.config.file` makes of the HTTP server: the channel (plain or TLS) and the
/// per-request middleware (basic auth, headers). Loaded once at start-up, as Prometheus does;
/// a bad file stops the server with an error naming the file and field.
struct WebAccess {
    /// Plain HTTP/1.1 with each connection served on its own event loop (`LoopPinnedChannel`).
    static let plain = plain(light: nil)

    /// Plain HTTP/1.1 on the connection's event loop, `light` answering in the pipeline.
    static func plain(light: LightResponder?) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in LoopPinnedChannel(base: HTTP1Channel(responder: responder), light: light) }
    }

    /// The HTTP server, given the light answers (`LightRequestHandler`): they are used only
    /// when no per-request middleware is configured, since they bypass the router.
    let server: (_ light: LightResponder?) -> HTTPServerBuilder
    let middleware: AccessMiddleware?
    let tls: Bool

    /// - Parameter path: the web configuration file; nil serves plain HTTP without authentication.
    /// - Throws: `ServerError` (`webConfig`) naming the file, the key path and line, or the certificate.
    static func load(path: String?, logger: Logger) throws(ServerError) -> WebAccess {
        guard let path else { return WebAccess(server: { Self.plain(light: $0) }, middleware: nil, tls: false) }
        let config: WebConfig
        do {
            config = try WebConfigLoader.load(path: path)
        } catch {
            throw ServerError.webConfig("\(error)")
        }
        var server: (LightResponder?) -> HTTPServerBuilder = { Self.plain(light: $0) }
        if let tls = config.tlsServerConfig, tls.isEnabled {
            let configuration = try WebServerTLS.configuration(tls, source: path, logger: logger)
            do {
                _ = try TLSChannel(HTTP1Channel(responder: { _, _, _ in }), configuration: configuration)  // fail here, not at bind
                server = { light in
                    HTTPServerBuilder { responder in
                        LoopPinnedChannel(base: try TLSChannel(HTTP1Channel(responder: responder), configuration: configuration), light: light)
                    }
                }
            } catch {
                throw ServerError.webConfig("\(path): tls_server_config: \(error)")
            }
            logger.info("TLS is enabled.", metadata: ["http2": "false"])
        } else {
            logger.info("TLS is disabled.", metadata: ["http2": "false"])
        }
        var headers = HTTPFields()
        for (name, value) in config.httpServerConfig.headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let users = config.basicAuthUsers.mapValues(\.value)
        let middleware = users.isEmpty && headers.isEmpty
            ? nil : AccessMiddleware(authenticator: users.isEmpty ? nil : BasicAuthenticator(users: users), headers: headers)
        return WebAccess(server: middleware == nil ? server : { _ in server(nil) }, middleware: middleware, tls: config.tlsEnabled)
    }
}
