public import Logging
public import Model
public import Storage

/// Scrapes one target every interval until cancelled (Prometheus `scrapeLoop`): fetch,
/// parse, relabel, append, add the `up`/`scrape_*` series, write staleness markers for
/// series that vanished, commit. A loop is owned by one child task of its pool; its cache
/// is plain state, never shared.
public struct ScrapeLoop: Sendable {
    public let target: ScrapeTarget
    let settings: ScrapeSettings
    let storage: any Appendable
    let scraper: any TargetScraper
    public let health: TargetHealth
    let logger: Logger
    var cache = ScrapeCache()
    var report: ReportSeries
    var metadata = MetadataTracker()
    let metrics: ScrapeMetrics

    public init(target: ScrapeTarget, settings: ScrapeSettings, storage: any Appendable, scraper: any TargetScraper,
                health: TargetHealth = TargetHealth(), metrics: ScrapeMetrics = ScrapeMetrics(), logger: Logger) {
        self.target = target
        self.metrics = metrics
        self.settings = settings
        self.storage = storage
        self.scraper = scraper
        self.health = health
        self.logger = logger
        self.report = ReportSeries(targetLabels: target.publicLabels)
    }

    /// Runs until the task is cancelled, then marks every series of the last scrape stale.
    public mutating func run() async {
        let interval = Duration.milliseconds(target.intervalMillis)
        let clock = ContinuousClock()
        var next = clock.now + initialDelay()
        while !Task.isCancelled {
            do { try await Task.sleep(until: next, clock: clock) } catch { break }
            await scrapeOnce(at: Timestamp.now())
            next += interval
            // After a stall, skip the missed ticks instead of scraping in a burst.
            if next < clock.now { next = clock.now + interval }
        }
        await writeEndOfRunStaleness(at: Timestamp.now())
    }

    /// Spreads targets over the interval by their hash, so a thousand targets do not all
    /// scrape at the same instant (Prometheus `scrapeLoop.offset`).
    func initialDelay() -> Duration {
        let interval = max(target.intervalMillis, 1)
        let now = Timestamp.now()
        let offset = Int64(target.hash % UInt64(interval))
        var delay = (offset - now % interval + interval) % interval
        if delay == 0 { delay = interval }
        return .milliseconds(delay)
    }

    /// One scrape and its report, committed in one transaction.
    public mutating func scrapeOnce(at ts: Timestamp) async {
        let started = ContinuousClock.now
        var appender = storage.appender()
        var counts = AppendCounts()
        var failure: (any Error)?
        do {
            let response = try await scraper.scrape(try settings.request(for: target))
            cache.begin()
            metadata.begin()
            counts = try appendBody(response.body, contentType: response.contentType, at: ts, to: &appender)
            if metadata.end() { health.record(metadata: metadata.families) }
            for e in cache.disappeared() { appendStale(e, at: ts, to: &appender) }
            cache.endSuccessfulScrape()
        } catch {
            failure = error
            metrics.recordFailure(error)
            await appender.rollback()
            appender = storage.appender()
            // A failed scrape counts as an empty one: every series of the last scrape goes stale.
            for e in cache.lastScrapeSeries() { appendStale(e, at: ts, to: &appender) }
            cache.endFailedScrape()
            counts = AppendCounts()
        }
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        report.append(up: failure == nil, duration: seconds, counts: counts, at: ts, to: &appender)
        do {
            try await appender.commit()
        } catch {
            logger.debug("commit failed", metadata: ["target": "\(target.url)", "error": "\(error)"])
            if failure == nil { failure = error }
        }
        if let failure {
            logger.debug("scrape failed", metadata: ["target": "\(target.url)", "error": "\(failure)"])
        }
        health.record(.init(
            state: failure == nil ? .up : .down, lastError: failure.map { "\($0)" } ?? "",
            lastScrape: ts, lastScrapeDurationSeconds: seconds, lastSamples: counts.scraped
        ))
    }

    func appendStale(_ e: ScrapeCache.Entry, at ts: Timestamp, to appender: inout any Appender) {
        guard let labels = e.labels else { return }
        _ = try? appender.append(e.ref, labels, at: ts, value: StaleNaN.value)
    }

    /// Staleness markers for every series of the last scrape and the report series, when the
    /// target goes away or the loop is stopped.
    mutating func writeEndOfRunStaleness(at ts: Timestamp) async {
        var appender = storage.appender()
        for e in cache.lastScrapeSeries() { appendStale(e, at: ts, to: &appender) }
        report.appendStale(at: ts, to: &appender)
        do { try await appender.commit() } catch {
            logger.debug("writing staleness markers failed", metadata: ["target": "\(target.url)", "error": "\(error)"])
        }
    }
}

/// Does the HTTP part of a scrape; `CurlMultiDriver` in production.
public protocol TargetScraper: Sendable {
    func scrape(_ request: HTTPScrapeRequest) async throws -> HTTPScrapeResponse
}

extension CurlMultiDriver: TargetScraper {
    public func scrape(_ request: HTTPScrapeRequest) async throws -> HTTPScrapeResponse {
        try await perform(request)
    }
}
