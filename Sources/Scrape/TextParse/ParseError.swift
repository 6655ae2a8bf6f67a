/// Why a scrape body was rejected, and where.
///
/// The parsers stop at the first problem, so one scrape yields at most one error. `line` and
/// `column` are 1-based and point at the first byte of the offending token; `offset` is the
/// 0-based byte offset of that position in the body. Match on ``kind`` rather than on the
/// message, which is for humans and may change.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The family of problem, as a static member (`.syntax`, `.invalidValue`, …).
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case syntax, invalidValue, invalidTimestamp, invalidUTF8, invalidMetadata, missingEOF, dataAfterEOF
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// A token that the grammar does not allow at this place.
        public static let syntax = Kind(.syntax)
        /// A sample or exemplar value that is not a float in the accepted syntax.
        public static let invalidValue = Kind(.invalidValue)
        /// A timestamp that is not an integer (text) or a finite float (OpenMetrics).
        public static let invalidTimestamp = Kind(.invalidTimestamp)
        /// A label value or help text that is not valid UTF-8.
        public static let invalidUTF8 = Kind(.invalidUTF8)
        /// A bad `# TYPE` or `# UNIT` line (unknown type, unit not a suffix of the name, …).
        public static let invalidMetadata = Kind(.invalidMetadata)
        /// An OpenMetrics body that does not end with `# EOF`.
        public static let missingEOF = Kind(.missingEOF)
        /// Bytes after the OpenMetrics `# EOF` line.
        public static let dataAfterEOF = Kind(.dataAfterEOF)

        public var description: String { "\(code)" }
    }

    /// What kind of problem this is.
    public let kind: Kind
    /// Human-readable explanation, e.g. `expected value after metric, got "x"`.
    public let message: String
    /// 1-based line of the problem.
    public let line: Int
    /// 1-based column (in bytes) of the problem within its line.
    public let column: Int
    /// 0-based byte offset of the problem in the body.
    public let offset: Int

    /// Creates an error; `line`/`column` are derived from `offset` by the parser.
    public init(kind: Kind, message: String, line: Int, column: Int, offset: Int) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
