public import Model

/// One remote_write endpoint as the storage needs it (the server translates
/// `Config.RemoteWriteConfig` into this; Storage does not import Config).
public struct RemoteWriteOptions: Sendable, Equatable {
    /// Where to POST write requests.
    public var url: String
    /// The queue's name in metrics and the key of its progress in the SQLite file
    /// (Prometheus: `name`, else a hash of the config; Lantern: `name`, else the URL).
    public var name: String
    /// Per-request timeout (`remote_timeout`, default 30 s).
    public var timeout: Duration = .seconds(30)
    /// Extra headers (`headers`).
    public var headers: [String: String] = [:]
    /// `basic_auth` (username, password) or a bearer/`authorization` credential.
    public var basicAuth: (username: String, password: String)?
    public var authorization: (type: String, credentials: String)?
    /// TLS files and checks (`tls_config`).
    public var tls = TLS()
    /// `write_relabel_configs`, applied to each series before sending (drop skips it).
    public var relabelRules: [RelabelRule] = []
    /// `global.external_labels`, added to series that lack them.
    public var externalLabels: Labels = .empty
    /// `queue_config`.
    public var queue = Queue()
    /// Samples older than this are not sent after an outage or restart (default 2 h, the
    /// head's span in Prometheus; receivers reject older data anyway).
    public var maxAge: Duration = .seconds(2 * 3600)
    /// How far back each scan re-reads to catch commits that arrive late (default 2 m).
    public var lateCommitWindow: Duration = .seconds(120)

    /// `tls_config` for the receiver.
    public struct TLS: Sendable, Equatable {
        public var caFile = ""
        public var certFile = ""
        public var keyFile = ""
        public var serverName = ""
        public var insecureSkipVerify = false
        public init() {}
    }

    /// `queue_config` with Prometheus's defaults.
    public struct Queue: Sendable, Equatable {
        /// Samples buffered per shard in one scan before it is sent and the scan resumed.
        public var capacity = 10_000
        public var minShards = 1
        public var maxShards = 50
        public var maxSamplesPerSend = 2_000
        /// The longest a sample waits before a scan picks it up.
        public var batchSendDeadline: Duration = .seconds(5)
        public var minBackoff: Duration = .milliseconds(30)
        public var maxBackoff: Duration = .seconds(5)
        public var retryOnHTTP429 = false
        public init() {}
    }

    public init(url: String, name: String = "") {
        self.url = url
        self.name = name.isEmpty ? url : name
    }

    public static func == (a: RemoteWriteOptions, b: RemoteWriteOptions) -> Bool {
        a.url == b.url && a.name == b.name && a.timeout == b.timeout && a.headers == b.headers
            && a.basicAuth?.username == b.basicAuth?.username && a.basicAuth?.password == b.basicAuth?.password
            && a.authorization?.type == b.authorization?.type && a.authorization?.credentials == b.authorization?.credentials
            && a.tls == b.tls && a.relabelRules == b.relabelRules && a.externalLabels == b.externalLabels
            && a.queue == b.queue && a.maxAge == b.maxAge && a.lateCommitWindow == b.lateCommitWindow
    }
}
