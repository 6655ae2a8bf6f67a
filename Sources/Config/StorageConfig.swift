/// The `storage` section: the parts of Prometheus's TSDB settings Lantern's storage honours.
///
/// Only `tsdb` is in scope; `storage.exemplars` is reported as not supported. Retention fields left
/// unset (zero) mean "use the command-line defaults".
public struct StorageConfig: Codable, Sendable, Equatable {
    public var tsdb: TSDBConfig

    enum CodingKeys: String, CodingKey, CaseIterable { case tsdb }

    /// No overrides.
    public init() { tsdb = TSDBConfig() }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(["tsdb"], type: "StorageConfig", unsupported: ["exemplars": "exemplar storage is not implemented"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tsdb = try c.value(.tsdb, TSDBConfig())
    }
}

/// `storage.tsdb`: out-of-order window and retention.
public struct TSDBConfig: Codable, Sendable, Equatable {
    /// How far back an out-of-order sample is still accepted; zero disables out-of-order ingestion.
    public var outOfOrderTimeWindow: PromDuration
    public var staleSeriesCompactionThreshold: Double
    /// `chunk_encoding.floats`: `xor`, `xor2`, or empty.
    public var floatChunkEncoding: String
    public var retention: Retention

    /// `storage.tsdb.retention`: limits on how much history to keep; zero means "not set here".
    public struct Retention: Codable, Sendable, Equatable {
        public var time: PromDuration
        public var size: ByteSize
        /// Maximum share of the disk, 0…100.
        public var percentage: Double

        enum CodingKeys: String, CodingKey, CaseIterable { case time, size, percentage }

        public init() { time = .zero; size = .zero; percentage = 0 }

        public init(from decoder: any Decoder) throws {
            try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "TSDBRetentionConfig")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            time = try c.value(.time, .zero)
            size = try c.value(.size, .zero)
            percentage = try c.value(.percentage, 0)
        }

        func validate(at path: String) throws(ConfigError) {
            if size.bytes < 0 {
                throw .invalid("'storage.tsdb.retention.size' must be greater than or equal to 0, got \(size)", at: KeyPath.join(path, "size"))
            }
            if percentage < 0 || percentage > 100 {
                throw .invalid("'storage.tsdb.retention.percentage' must be in the range [0, 100], got \(percentage)",
                               at: KeyPath.join(path, "percentage"))
            }
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case outOfOrderTimeWindow = "out_of_order_time_window"
        case staleSeriesCompactionThreshold = "stale_series_compaction_threshold"
        case chunkEncoding = "chunk_encoding", retention
    }

    private enum ChunkEncodingKeys: String, CodingKey, CaseIterable { case floats }

    /// No overrides.
    public init() { outOfOrderTimeWindow = .zero; staleSeriesCompactionThreshold = 0; floatChunkEncoding = ""; retention = Retention() }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "TSDBConfig")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        outOfOrderTimeWindow = try c.value(.outOfOrderTimeWindow, .zero)
        staleSeriesCompactionThreshold = try c.value(.staleSeriesCompactionThreshold, 0)
        floatChunkEncoding = ""
        if c.contains(.chunkEncoding) {
            let sub = try c.superDecoder(forKey: .chunkEncoding)
            try sub.checkKeys(["floats"], type: "ChunkEncodingConfig")
            floatChunkEncoding = try sub.container(keyedBy: ChunkEncodingKeys.self).value(.floats, "")
        }
        retention = try c.value(.retention, Retention())
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(outOfOrderTimeWindow, forKey: .outOfOrderTimeWindow)
        try c.encode(staleSeriesCompactionThreshold, forKey: .staleSeriesCompactionThreshold)
        try c.encode(retention, forKey: .retention)
    }

    func validate(at path: String) throws(ConfigError) {
        if !["", "xor", "xor2"].contains(floatChunkEncoding) {
            throw .invalid("'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or the field must be omitted entirely, got \(quoted(floatChunkEncoding))",
                           at: KeyPath.join(path, "chunk_encoding"))
        }
        try retention.validate(at: KeyPath.join(path, "retention"))
    }
}
