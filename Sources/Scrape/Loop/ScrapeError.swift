/// Why one scrape failed after the transfer succeeded: the message is what Prometheus shows
/// as the target's `lastError`.
public struct ScrapeError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    static let sampleLimitExceeded = ScrapeError(message: "sample limit exceeded")
    static func labelLimit(_ m: String) -> ScrapeError { ScrapeError(message: m) }
}
