/// The manifest of the exposition conformance corpus (`shared/conformance/exposition/`).
extension ExpositionConformance {
    /// One manifest entry: an input file and what a parser of `profile` must do with it.
    public struct Case: Sendable, Decodable, Hashable {
        /// Unique case name.
        public let name: String
        /// Input path relative to the exposition folder.
        public let file: String
        /// `prometheus-text` or `openmetrics`.
        public let format: String
        /// Whether the whole input must be accepted.
        public let mustParse: Bool
        /// `prometheus-scrape`, `client-strict` or `openmetrics-1.0`.
        public let profile: String
        /// `syntax` or `family-semantics` for OpenMetrics rejections.
        public let checkLevel: String?
        /// The full ordered entry list, on a few cases.
        public let expectedEntries: [ExpectedEntry]?
        /// The expected series, on a few cases.
        public let expectedSeries: [ExpectedEntry]?

        enum CodingKeys: String, CodingKey {
            case name, file, format, profile
            case mustParse = "must_parse"
            case checkLevel = "check_level"
            case expectedEntries = "expected_entries"
            case expectedSeries = "expected_series"
        }
    }

    /// An expected help/type/unit/comment/series entry.
    public struct ExpectedEntry: Sendable, Decodable, Hashable {
        /// `help`, `type`, `unit`, `comment` or `series` (absent in `expected_series`: series).
        public let kind: String
        public let metric: String?
        public let text: String?
        public let type: String?
        public let unit: String?
        public let raw: String?
        public let labels: [String: String]?
        public let value: ExpectedFloat?
        public let timestampMs: Int64?
        public let startTimestampMs: Int64?
        public let exemplars: [ExpectedExemplar]?

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? "series"
            metric = try c.decodeIfPresent(String.self, forKey: .metric)
            text = try c.decodeIfPresent(String.self, forKey: .text)
            type = try c.decodeIfPresent(String.self, forKey: .type)
            unit = try c.decodeIfPresent(String.self, forKey: .unit)
            raw = try c.decodeIfPresent(String.self, forKey: .raw)
            labels = try c.decodeIfPresent([String: String].self, forKey: .labels)
            value = try c.decodeIfPresent(ExpectedFloat.self, forKey: .value)
            timestampMs = try c.decodeIfPresent(Int64.self, forKey: .timestampMs)
            startTimestampMs = try c.decodeIfPresent(Int64.self, forKey: .startTimestampMs)
            exemplars = try c.decodeIfPresent([ExpectedExemplar].self, forKey: .exemplars)
        }

        enum CodingKeys: String, CodingKey {
            case kind, metric, text, type, unit, raw, labels, value, exemplars
            case timestampMs = "timestamp_ms"
            case startTimestampMs = "start_timestamp_ms"
        }
    }

    /// An expected exemplar.
    public struct ExpectedExemplar: Sendable, Decodable, Hashable {
        public let labels: [String: String]
        public let value: ExpectedFloat
        public let timestampMs: Int64?

        enum CodingKeys: String, CodingKey {
            case labels, value
            case timestampMs = "timestamp_ms"
        }
    }

    /// A float given as a JSON number or as `"NaN"`, `"+Inf"`, `"-Inf"`.
    public struct ExpectedFloat: Sendable, Decodable, Hashable {
        /// The value.
        public let value: Double

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                value = number
                return
            }
            switch try container.decode(String.self) {
            case "NaN": value = .nan
            case "+Inf", "Inf": value = .infinity
            case "-Inf": value = -.infinity
            case let other:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a float: \(other)")
            }
        }

        /// Equality where NaN equals NaN.
        public func matches(_ other: Double) -> Bool {
            value.isNaN ? other.isNaN : value == other
        }
    }

    struct Manifest: Decodable {
        let cases: [Case]
    }
}
