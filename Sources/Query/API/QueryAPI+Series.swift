public import Model
import Storage

/// `series`, `labels` and `label/<name>/values`: look-ups through one querier over
/// `[start, end]` (default: all time), unions over several `match[]` selectors.
extension QueryAPI {
    /// `GET|POST /api/v1/series`: `match[]` (required), `start`, `end`, `limit`.
    public func series(_ p: APIParams) async -> APIResult {
        let sets = p.values("match[]")
        if sets.isEmpty { return .failure(.badData, "no match[] parameter provided") }
        let common: Common
        switch parseCommon(p, sets: sets) {
        case .success(let c): common = c
        case .failure(let e): return e
        }
        return await placed(cost: estimatedCost(matcherSets: common.matcherSets)) { await seriesAnswer(common) }
    }

    private func seriesAnswer(_ common: Common) async -> APIResult {
        var warnings: [String] = []
        var all: [Labels] = []
        do {
            (all, warnings) = try await queryable.withQuerier(mint: common.start, maxt: common.end) { q in
                // One selector: the querier's answer is sorted and unique already.
                if common.matcherSets.count == 1 { return try await q.seriesLabels(matchers: common.matcherSets[0]) }
                var seen: Set<Labels> = []
                var labels: [Labels] = [], warnings: [String] = []
                for matchers in common.matcherSets {
                    let found = try await q.seriesLabels(matchers: matchers)
                    warnings += found.warnings
                    for l in found.labels where seen.insert(l).inserted { labels.append(l) }
                }
                return (labels, warnings)
            }
        } catch {
            return .failure(.internal, "\(error)")
        }
        if common.matcherSets.count > 1 { all.sort() }
        if common.limit > 0, all.count > common.limit {
            all.removeLast(all.count - common.limit)
            warnings.append("results truncated due to limit")
        }
        var w = JSONWriter(capacity: 64 + all.count * 80)
        w.raw("[")
        for (i, l) in all.enumerated() {
            if i > 0 { w.raw(",") }
            w.labels(l)
        }
        w.raw("]")
        return .success(w.bytes, warnings: warnings)
    }

    /// `GET|POST /api/v1/labels`: `match[]` (optional), `start`, `end`, `limit`.
    public func labelNames(_ p: APIParams) async -> APIResult {
        await stringList(p) { storage, matchers, mint, maxt in try await storage.labelNames(matchers: matchers, mint: mint, maxt: maxt) }
    }

    /// `GET|POST /api/v1/label/<name>/values`: `match[]` (optional), `start`, `end`, `limit`.
    public func labelValues(name: String, _ p: APIParams) async -> APIResult {
        guard !name.isEmpty else { return .failure(.badData, "invalid label name: \(quotedGo(name))") }
        return await stringList(p) { storage, matchers, mint, maxt in
            try await storage.labelValues(name: name, matchers: matchers, mint: mint, maxt: maxt)
        }
    }

    /// `labelNames`'s answer if it needs no wait: no `match[]` and the names in memory (or the
    /// parameters rejected); nil otherwise. The HTTP layer answers with it where the request
    /// was read.
    public func labelNamesInMemory(_ p: APIParams) -> APIResult? {
        stringListInMemory(p) { $0.labelNamesInMemory() }
    }

    /// `labelValues`'s answer if it needs no wait, on the terms of `labelNamesInMemory`.
    public func labelValuesInMemory(name: String, _ p: APIParams) -> APIResult? {
        guard !name.isEmpty else { return .failure(.badData, "invalid label name: \(quotedGo(name))") }
        return stringListInMemory(p) { $0.labelValuesInMemory(name: name) }
    }

    private func stringListInMemory(_ p: APIParams, _ read: (any Queryable) -> [String]?) -> APIResult? {
        let sets = p.values("match[]")
        guard sets.isEmpty else { return nil }
        switch parseCommon(p, sets: sets) {
        case .success(let common):
            guard let names = read(queryable) else { return nil }
            return Self.stringList(names, limit: common.limit)
        case .failure(let e):
            return e
        }
    }

    private func stringList(
        _ p: APIParams, _ read: @Sendable (any Queryable, [Matcher], Timestamp, Timestamp) async throws -> [String]
    ) async -> APIResult {
        let common: Common
        switch parseCommon(p, sets: p.values("match[]")) {
        case .success(let c): common = c
        case .failure(let e): return e
        }
        let names: [String]
        do {
            if common.matcherSets.count <= 1 {
                names = try await read(queryable, common.matcherSets.first ?? [], common.start, common.end)
            } else {
                var union: Set<String> = []
                for m in common.matcherSets { union.formUnion(try await read(queryable, m, common.start, common.end)) }
                names = union.sorted()
            }
        } catch {
            return .failure(.internal, "\(error)")
        }
        return Self.stringList(names, limit: common.limit)
    }

    /// The JSON answer of a names or values look-up, cut to `limit` (0: no limit) with
    /// Prometheus's warning.
    private static func stringList(_ names: [String], limit: Int) -> APIResult {
        var names = names
        var warnings: [String] = []
        if limit > 0, names.count > limit {
            names.removeLast(names.count - limit)
            warnings.append("results truncated due to limit")
        }
        var w = JSONWriter(capacity: 16 + names.count * 24)
        w.strings(names)
        return .success(w.bytes, warnings: warnings)
    }

    struct Common {
        var start: Timestamp
        var end: Timestamp
        var limit: Int
        var matcherSets: [[Matcher]]
    }

    /// The parameters shared by the look-ups, checked in Prometheus's order.
    private func parseCommon(_ p: APIParams, sets: [String]) -> Result<Common, APIResult> {
        var c = Common(start: APIParse.minTime, end: APIParse.maxTime, limit: 0, matcherSets: [])
        do { c.limit = try APIParse.limit(p.value("limit")) } catch { return .failure(.invalidParam("limit", error)) }
        if !p.value("start").isEmpty {
            do { c.start = try APIParse.time(p.value("start")) } catch { return .failure(.invalidParam("start", error)) }
        }
        if !p.value("end").isEmpty {
            do { c.end = try APIParse.time(p.value("end")) } catch { return .failure(.invalidParam("end", error)) }
        }
        for text in sets {
            do {
                c.matcherSets.append(try Self.selectorMatchers(text))
            } catch {
                return .failure(.invalidParam("match[]", error))
            }
        }
        return .success(c)
    }

    /// `parser.ParseMetricSelector` plus `parseMatchersParam`'s non-empty check.
    static func selectorMatchers(_ text: String) throws -> [Matcher] {
        let expr = try parseExpr(text)
        guard case .vectorSelector(let selector) = expr else {
            var error = ParseError(position: 0, message: "expected a series selector, got \(quoted(text))")
            error.query = text
            throw error
        }
        guard selector.matchers.contains(where: { !$0.matchesEmpty }) else {
            throw APIParse.Failure(message: "match[] must contain at least one non-empty matcher")
        }
        return selector.matchers
    }
}
