public import Model

/// A target after discovery and relabeling: what one scrape loop scrapes and which labels
/// its series get (Prometheus `scrape.Target`).
public struct ScrapeTarget: Sendable, Hashable {
    /// The full label set, `__address__`, `__scheme__`, `__param_*` and friends included.
    public let labels: Labels
    /// The labels as discovery delivered them (before relabeling), for `/api/v1/targets`.
    public let discoveredLabels: Labels
    /// The URL to scrape.
    public let url: String
    /// Scrape interval and timeout in milliseconds (from `__scrape_interval__`/`__scrape_timeout__`).
    public let intervalMillis: Int64
    public let timeoutMillis: Int64

    /// The labels attached to scraped series: every label without the `__` prefix.
    public var publicLabels: Labels {
        Labels(sortedUnique: labels.pairs.filter { !$0.name.hasPrefix(LabelName.reservedPrefix) })
    }

    /// Identity for de-duplication and jitter: Prometheus hashes the labels plus the URL.
    public var hash: UInt64 {
        var h = labels.stableHash
        for b in url.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}

/// What target building made of one discovered label set.
public enum TargetBuildResult: Sendable, Equatable {
    case target(ScrapeTarget)
    /// A relabel rule dropped it; Prometheus keeps these for the "dropped targets" list.
    case dropped(discovered: Labels)
    /// The labels left after relabeling are unusable; the text says why.
    case failed(discovered: Labels, reason: String)
}
