/// Why one scrape failed after the transfer succeeded: the message is what Prometheus shows
/// as the target's `lastError`.
public struct ScrapeError: Error, Sendable, CustomStringConvertible {
    /// Which per-job limit, if any, the scrape exceeded (counted in ``ScrapeMetrics``).
    enum Limit: Sendable { case sample, label }

    public let message: String
    let limit: Limit?
    public var description: String { message }

    init(message: String, limit: Limit? = nil) {
        self.message = message
        self.limit = limit
    }

    static let sampleLimitExceeded = ScrapeError(message: "sample limit exceeded", limit: .sample)
    static func labelLimit(_ m: String) -> ScrapeError { ScrapeError(message: m, limit: .label) }
}
