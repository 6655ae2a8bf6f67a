import Config
import Logging
import HummingbirdTLS
import NIOCore
import NIOSSL

/// Turns `tls_server_config` into swift-nio-ssl's server configuration.
///
/// Go's client-auth policies map onto BoringSSL's verify modes:
/// - `NoClientCert`: no certificate requested.
/// - `RequestClientCert`: requested, optional, not verified (a callback accepts any chain).
/// - `RequireAnyClientCert`: required, not verified (same callback).
/// - `VerifyClientCertIfGiven`: optional, verified against `client_ca_file` when given.
/// - `RequireAndVerifyClientCert`: required and verified against `client_ca_file`.
enum WebServerTLS {
    /// - Parameter source: the web configuration file, for error messages.
    /// - Throws: `ServerError` naming the file, the field and the certificate path that failed to load.
    static func configuration(_ tls: TLSServerConfig, source: String, logger: Logger) throws(ServerError) -> TLSChannelConfiguration {
        func load<T>(_ field: String, _ path: String, _ body: () throws -> T) throws(ServerError) -> T {
            do { return try body() } catch {
                throw ServerError.webConfig("\(source): tls_server_config.\(field): cannot load \(path): \(error)")
            }
        }
        let chain = try load("cert_file", tls.certFile) { try NIOSSLCertificate.fromPEMFile(tls.certFile) }
        let key = try load("key_file", tls.keyFile) { try NIOSSLPrivateKey(file: tls.keyFile, format: .pem) }
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // Rotation: each handshake takes the current files (reloaded when they change).
        let reloader = ServerCertificateReloader(certFile: tls.certFile, keyFile: tls.keyFile, chain: chain, key: key, logger: logger)
        config.sslContextCallback = { _, promise in promise.succeed(reloader.current()) }
        config.minimumTLSVersion = version(tls.minVersion) ?? .tlsv12
        config.maximumTLSVersion = version(tls.maxVersion)
        if !tls.cipherSuites.isEmpty {
            config.cipherSuiteValues = tls.cipherSuites.compactMap { TLSServerConfig.supportedCipherSuites[$0].map(NIOTLSCipher.init(rawValue:)) }
        }
        if !tls.clientCAFile.isEmpty {
            let roots = try load("client_ca_file", tls.clientCAFile) { try NIOSSLCertificate.fromPEMFile(tls.clientCAFile) }
            config.trustRoots = .certificates(roots)
        }
        switch tls.clientAuthType {
        case .noClientCert:
            config.certificateVerification = .none
            return TLSChannelConfiguration(tlsConfiguration: config)
        case .requestClientCert, .requireAnyClientCert:
            config.certificateVerification = tls.clientAuthType == .requestClientCert ? .optionalVerification : .noHostnameVerification
            return TLSChannelConfiguration(tlsConfiguration: config, customVerificationCallback: { _, promise in promise.succeed(.certificateVerified) })
        case .verifyClientCertIfGiven:
            config.certificateVerification = .optionalVerification
            return TLSChannelConfiguration(tlsConfiguration: config)
        case .requireAndVerifyClientCert:
            config.certificateVerification = .noHostnameVerification
            return TLSChannelConfiguration(tlsConfiguration: config)
        }
    }

    private static func version(_ name: String) -> TLSVersion? {
        switch name {
        case "TLS10": return .tlsv1
        case "TLS11": return .tlsv11
        case "TLS12": return .tlsv12
        case "TLS13": return .tlsv13
        default: return nil
        }
    }
}
