import Config
import Foundation
import Hummingbird
import Model
import Query
import Storage
import Yams

/// `/api/v1/status/{buildinfo,config,flags,runtimeinfo,tsdb}`, shaped as Prometheus's
/// `web/api/v1/api.go` (`PrometheusVersion`, `prometheusConfig`, `RuntimeInfo`, `TSDBStatus`).
enum StatusAPI {
    struct BuildInfoJSON: Encodable {
        let version: String, revision: String, branch: String, buildUser: String, buildDate: String, goVersion: String
    }

    struct ConfigJSON: Encodable { let yaml: String }

    struct RuntimeInfoJSON: Encodable {
        let startTime: String
        let CWD: String
        let reloadConfigSuccess: Bool
        let lastConfigTime: String
        let corruptionCount: Int64
        let goroutineCount: Int
        let GOMAXPROCS: Int
        let GOMEMLIMIT: Int64
        let GOGC: String
        let GODEBUG: String
        let storageRetention: String
    }

    struct HeadStatsJSON: Encodable {
        let numSeries: Int, numLabelPairs: Int, chunkCount: Int, minTime: Int64, maxTime: Int64
    }

    struct StatJSON: Encodable { let name: String, value: Int }

    struct TSDBStatusJSON: Encodable {
        let headStats: HeadStatsJSON
        let seriesCountByMetricName: [StatJSON]
        let labelValueCountByLabelName: [StatJSON]
        let memoryInBytesByLabelName: [StatJSON]
        let seriesCountByLabelValuePair: [StatJSON]
    }

    static func add(to router: Router<BasicRequestContext>, core: ServerCore, options: ServerOptions, startTime: Timestamp) {
        router.get("/api/v1/status/buildinfo") { _, _ in
            APIResponse.success(BuildInfoJSON(version: BuildInfo.version, revision: "unknown", branch: "unknown",
                                              buildUser: "unknown", buildDate: "unknown", goVersion: "swift6"))
        }
        router.get("/api/v1/status/config") { _, _ in
            guard let config = await core.currentConfig else { return APIResponse.error("unavailable", "configuration not loaded") }
            do {
                return APIResponse.success(ConfigJSON(yaml: try YAMLEncoder().encode(config)))
            } catch {
                return APIResponse.error("internal", "cannot marshal configuration: \(error)")
            }
        }
        router.get("/api/v1/status/flags") { _, _ in
            var w = JSONWriter()
            w.raw("{")
            for (i, (k, v)) in options.flags.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { w.raw(",") }
                w.string(k)
                w.raw(":")
                w.string(v)
            }
            w.raw("}")
            return QueryAPI.response(.success(w.bytes))
        }
        router.get("/api/v1/status/runtimeinfo") { _, _ in
            let (ok, last) = await core.reloadStatus
            return APIResponse.success(RuntimeInfoJSON(
                startTime: TimeFormat.rfc3339Millis(startTime),
                CWD: FileManager.default.currentDirectoryPath,
                reloadConfigSuccess: ok,
                lastConfigTime: TimeFormat.rfc3339Millis(Timestamp(last * 1000)),
                corruptionCount: 0,
                goroutineCount: 0,
                GOMAXPROCS: ProcessInfo.processInfo.activeProcessorCount,
                GOMEMLIMIT: 0,
                GOGC: "",
                GODEBUG: "",
                storageRetention: options.retentionTime > 0 ? PromDuration(milliseconds: options.retentionTime).description : "0s"
            ))
        }
        router.get("/api/v1/status/tsdb") { request, _ in
            let limitText = request.uri.queryParameters.get("limit") ?? ""
            let limit = limitText.isEmpty ? 10 : Int(limitText) ?? -1
            guard limit > 0 else { return APIResponse.error("bad_data", "limit must be a positive number") }
            guard let storage = await core.openStorageHandle else { return APIResponse.error("unavailable", "storage not open") }
            do {
                return APIResponse.success(try await tsdbStatus(storage, limit: limit))
            } catch {
                return APIResponse.error("internal", "\(error)")
            }
        }
    }

    /// Cardinality of the last two hours (what Prometheus's head holds), from one querier.
    static func tsdbStatus(_ storage: SQLiteStorage, limit: Int) async throws -> TSDBStatusJSON {
        let now = Timestamp.now()
        let q = try await storage.querier(mint: now - 2 * 3_600_000, maxt: now)
        let set: SeriesSet
        do {
            set = try await q.select(matchers: [try Matcher(.regexMatch, "__name__", ".+")])
        } catch {
            await q.close()
            throw error
        }
        await q.close()
        var byMetric: [String: Int] = [:], valuesByName: [String: Set<String>] = [:]
        var bytesByName: [String: Int] = [:], byPair: [String: Int] = [:]
        var minT = Int64.max, maxT = Int64.min
        for s in set.series {
            byMetric[s.labels.metricName ?? "", default: 0] += 1
            for l in s.labels {
                valuesByName[l.name, default: []].insert(l.value)
                byPair["\(l.name)=\(l.value)", default: 0] += 1
            }
            var it = s.makeIterator()
            if let first = it.next() { minT = min(minT, first.t); maxT = max(maxT, first.t) }
            while let next = it.next() { maxT = max(maxT, next.t) }
        }
        for (name, values) in valuesByName { bytesByName[name] = values.reduce(0) { $0 + $1.utf8.count } }
        func top(_ d: [String: Int]) -> [StatJSON] {
            d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit).map { StatJSON(name: $0.key, value: $0.value) }
        }
        let chunks = storage.collectMetrics().first { $0.name.hasSuffix("head_chunks") }.map { Int($0.value) } ?? 0
        return TSDBStatusJSON(
            headStats: HeadStatsJSON(numSeries: set.series.count, numLabelPairs: byPair.count, chunkCount: chunks,
                                     minTime: set.series.isEmpty ? Int64.max : minT, maxTime: set.series.isEmpty ? Int64.min : maxT),
            seriesCountByMetricName: top(byMetric),
            labelValueCountByLabelName: top(valuesByName.mapValues(\.count)),
            memoryInBytesByLabelName: top(bytesByName),
            seriesCountByLabelValuePair: top(byPair)
        )
    }
}
