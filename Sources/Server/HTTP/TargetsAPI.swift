import Foundation
import Hummingbird
import Config
import Model
import Query
import Scrape

/// `/api/v1/targets`, `/api/v1/targets/metadata` and `/api/v1/metadata`, shaped as in
/// Prometheus's `web/api/v1/api.go` so its UI clients and scripts read them.
enum TargetsAPI {
    struct ActiveTargetJSON: Encodable {
        let discoveredLabels: [String: String]
        let labels: [String: String]
        let scrapePool: String
        let scrapeUrl: String
        let globalUrl: String
        let lastError: String
        let lastScrape: String
        let lastScrapeDuration: Double
        let health: String
        let scrapeInterval: String
        let scrapeTimeout: String
    }

    struct DroppedTargetJSON: Encodable {
        let discoveredLabels: [String: String]
        let scrapePool: String
    }

    struct TargetsJSON: Encodable {
        let activeTargets: [ActiveTargetJSON]
        let droppedTargets: [DroppedTargetJSON]
        let droppedTargetCounts: [String: Int]
    }

    struct TargetMetadataJSON: Encodable {
        let target: [String: String]
        let metric: String
        let type: String
        let help: String
        let unit: String
    }

    struct MetadataJSON: Encodable {
        let type: String
        let help: String
        let unit: String
    }

    static func add(to router: Router<BasicRequestContext>, scrape: @escaping @Sendable () async -> ScrapeManager?) {
        router.get("/api/v1/targets") { request, _ in
            let state = request.uri.queryParameters.get("state") ?? "any"
            let pool = request.uri.queryParameters.get("scrapePool")
            guard ["active", "dropped", "any", ""].contains(state.lowercased()) else {
                return APIResponse.error("bad_data", "invalid state \(quoted(state))")
            }
            let manager = await scrape()
            var active: [ActiveTargetJSON] = []
            var dropped: [DroppedTargetJSON] = []
            var counts: [String: Int] = [:]
            if let manager {
                for t in await manager.activeTargets() where pool == nil || pool == t.scrapePool {
                    active.append(activeJSON(t))
                }
                for (job, labels) in await manager.droppedTargets() where pool == nil || pool == job {
                    counts[job, default: 0] += 1
                    dropped.append(DroppedTargetJSON(discoveredLabels: labels.dictionary, scrapePool: job))
                }
            }
            let s = state.lowercased()
            return APIResponse.success(TargetsJSON(
                activeTargets: s == "dropped" ? [] : active,
                droppedTargets: s == "active" ? [] : dropped,
                droppedTargetCounts: counts
            ))
        }
        router.get("/api/v1/targets/metadata") { request, _ in
            let metric = request.uri.queryParameters.get("metric")
            let limit = Int(request.uri.queryParameters.get("limit") ?? "") ?? -1
            var matchers: [Matcher] = []
            if let text = request.uri.queryParameters.get("match_target"), !text.isEmpty {
                do { matchers = try parseMetricSelector(text) } catch {
                    return APIResponse.error("bad_data", "\(error)")
                }
            }
            var out: [TargetMetadataJSON] = []
            for t in await scrape()?.activeTargets() ?? [] where matchers.matches(t.target.publicLabels) {
                let metadata = t.metadata
                for (name, m) in metadata.sorted(by: { $0.key < $1.key }) where metric == nil || metric == name {
                    if limit >= 0, out.count >= limit { break }
                    out.append(TargetMetadataJSON(target: t.target.publicLabels.dictionary, metric: name, type: m.type.rawValue, help: m.help, unit: m.unit))
                }
            }
            return APIResponse.success(out)
        }
        router.get("/api/v1/metadata") { request, _ in
            let metric = request.uri.queryParameters.get("metric")
            let limit = Int(request.uri.queryParameters.get("limit") ?? "") ?? -1
            let perMetric = Int(request.uri.queryParameters.get("limit_per_metric") ?? "") ?? -1
            var out: [String: [MetadataJSON]] = [:]
            for t in await scrape()?.activeTargets() ?? [] {
                for (name, m) in t.metadata where metric == nil || metric == name {
                    let entry = MetadataJSON(type: m.type.rawValue, help: m.help, unit: m.unit)
                    var list = out[name, default: []]
                    if !list.contains(where: { $0.type == entry.type && $0.help == entry.help && $0.unit == entry.unit }),
                       perMetric < 0 || list.count < perMetric {
                        list.append(entry)
                    }
                    out[name] = list
                }
            }
            if limit >= 0, out.count > limit {
                out = Dictionary(uniqueKeysWithValues: out.sorted { $0.key < $1.key }.prefix(limit).map { ($0.key, $0.value) })
            }
            return APIResponse.success(out)
        }
    }

    static func activeJSON(_ t: ActiveTarget) -> ActiveTargetJSON {
        let h = t.health
        return ActiveTargetJSON(
            discoveredLabels: t.target.discoveredLabels.dictionary,
            labels: t.target.publicLabels.dictionary,
            scrapePool: t.scrapePool,
            scrapeUrl: t.target.url,
            globalUrl: t.target.url,
            lastError: h.lastError,
            lastScrape: h.lastScrape == 0 ? "0001-01-01T00:00:00Z" : TimeFormat.rfc3339Millis(h.lastScrape),
            lastScrapeDuration: h.lastScrapeDurationSeconds,
            health: h.state.rawValue,
            scrapeInterval: PromDuration(milliseconds: t.target.intervalMillis).description,
            scrapeTimeout: PromDuration(milliseconds: t.target.timeoutMillis).description
        )
    }
}
