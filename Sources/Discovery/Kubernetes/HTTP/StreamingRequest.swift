/// One GET to the Kubernetes API, fully described so the curl thread needs nothing else.
struct StreamingRequest: Sendable {
    /// TLS material: files or inline PEM (kubeconfig `*-data` fields, decoded).
    struct TLS: Sendable, Equatable {
        var caFile: String?
        var caPEM: [UInt8]?
        var certFile: String?
        var certPEM: [UInt8]?
        var keyFile: String?
        var keyPEM: [UInt8]?
        var insecureSkipVerify = false
        /// `TLS10` … `TLS13`.
        var minVersion: String?
    }

    var url: String
    /// Extra request headers, `(name, value)`.
    var headers: [(String, String)] = []
    var basicAuth: (username: String, password: String)?
    var tls = TLS()
    var proxyURL: String?
    var followRedirects = true
    /// Whole-transfer limit; nil for none (watches end through `timeoutSeconds` instead).
    var timeout: Duration?
    var connectTimeout: Duration = .seconds(10)
    /// Aborts a transfer that delivers fewer than 1 byte/s for this long (a dead peer).
    var lowSpeedTime: Duration?
}

/// What a streaming transfer delivers: the status once, then body bytes as they arrive.
enum StreamingPart: Sendable {
    case status(Int)
    case bytes([UInt8])
}

extension Duration {
    var milliseconds: Int {
        let (s, atto) = components
        return Int(s) * 1000 + Int(atto / 1_000_000_000_000_000)
    }
}
