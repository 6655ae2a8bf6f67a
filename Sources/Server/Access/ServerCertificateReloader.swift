import Logging
import NIOSSL
import Synchronization
import Foundation

/// Serves the current `cert_file`/`key_file`: when either file changes (size, mtime or inode),
/// the next TLS handshake loads them again, so certificates rotate without a restart.
///
/// exporter-toolkit reads the certificate files on every handshake; Lantern checks a `stat`
/// per handshake and reads only on change. A pair that fails to load (a rotation caught half
/// way) keeps the previous certificate in use and is retried on the next handshake.
final class ServerCertificateReloader: Sendable {
    private struct Loaded {
        var stamp: [Int64]
        var override: NIOSSLContextConfigurationOverride
    }

    private let certFile: String
    private let keyFile: String
    private let logger: Logger
    private let state: Mutex<Loaded>

    /// Starts with the chain and key already loaded from the two files at start-up.
    init(certFile: String, keyFile: String, chain: [NIOSSLCertificate], key: NIOSSLPrivateKey, logger: Logger) {
        self.certFile = certFile
        self.keyFile = keyFile
        self.logger = logger
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(key)
        state = Mutex(Loaded(stamp: Self.stamp(certFile, keyFile), override: override))
    }

    /// The certificate and key for a new handshake (called by swift-nio-ssl on an event loop).
    func current() -> NIOSSLContextConfigurationOverride {
        let stamp = Self.stamp(certFile, keyFile)
        let (unchanged, override) = state.withLock { ($0.stamp == stamp, $0.override) }
        if unchanged { return override }
        do {
            var fresh = NIOSSLContextConfigurationOverride()
            fresh.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
            fresh.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            state.withLock { $0 = Loaded(stamp: stamp, override: fresh) }
            logger.info("TLS certificate reloaded", metadata: ["cert_file": "\(certFile)"])
            return fresh
        } catch {
            logger.info("TLS certificate reload failed; serving the previous one", metadata: [
                "cert_file": "\(certFile)", "key_file": "\(keyFile)", "err": "\(error)",
            ])
            return override
        }
    }

    /// Size, modification time and inode of both files (zeros for a missing file).
    private static func stamp(_ files: String...) -> [Int64] {
        var out: [Int64] = []
        for file in files {
            // FileManager rather than `stat`: Glibc's `struct stat` is also vended by CDispatch,
            // and which module owns it depends on the module build order (MemberImportVisibility).
            if let a = try? FileManager.default.attributesOfItem(atPath: file) {
                let mtime = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                out += [(a[.size] as? NSNumber)?.int64Value ?? 0, Int64(mtime * 1e9),
                        (a[.systemFileNumber] as? NSNumber)?.int64Value ?? 0]
            } else {
                out += [0, 0, 0]
            }
        }
        return out
    }
}
