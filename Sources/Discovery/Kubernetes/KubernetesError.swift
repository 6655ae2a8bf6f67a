/// What went wrong talking to the Kubernetes API (the module's error style: a struct with a code).
public struct KubernetesError: Error, CustomStringConvertible, Sendable {
    enum Code: Sendable, Equatable {
        /// Transport failure (connection refused, reset, TLS, timeout).
        case transport
        /// An HTTP status other than 200.
        case status(Int)
        /// A body that is not the JSON we expect.
        case malformed
        /// Bad connection settings (kubeconfig, in-cluster environment, credential files).
        case setup
        /// The resource version is too old (HTTP 410 or an ERROR event with code 410).
        case expired
    }

    let code: Code
    /// Human-readable context.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func transport(_ m: String) -> KubernetesError { .init(.transport, m) }
    static func malformed(_ m: String) -> KubernetesError { .init(.malformed, m) }
    static func setup(_ m: String) -> KubernetesError { .init(.setup, m) }
    static func expired(_ m: String) -> KubernetesError { .init(.expired, m) }
    static func status(_ s: Int, _ m: String) -> KubernetesError { s == 410 ? .init(.expired, m) : .init(.status(s), m) }

    /// Whether the client must relist (410 Gone / Expired).
    var isExpired: Bool { code == .expired }

    public var description: String {
        switch code {
        case .transport: "kubernetes transport error: \(message)"
        case .status(let s): "kubernetes API status \(s): \(message)"
        case .malformed: "kubernetes malformed response: \(message)"
        case .setup: "kubernetes client setup: \(message)"
        case .expired: "kubernetes resource version expired: \(message)"
        }
    }
}
