public import Model

/// One API answer before it becomes bytes: Prometheus's `apiFuncResult` (data or error,
/// plus warnings and infos).
public struct APIResult: Sendable {
    /// Prometheus's `errorType` values and their HTTP status codes (`web/api/v1/api.go`).
    public enum ErrorType: String, Sendable {
        case badData = "bad_data", execution, timeout, canceled, `internal`, notFound = "not_found", unavailable

        /// The HTTP status Prometheus answers with.
        public var status: Int {
            switch self {
            case .badData: return 400
            case .execution: return 422
            case .canceled: return 499
            case .timeout, .unavailable: return 503
            case .internal: return 500
            case .notFound: return 404
            }
        }
    }

    /// The `data` member, already rendered; nil for errors.
    public var data: [UInt8]?
    /// The failure, if any.
    public var error: (type: ErrorType, message: String)?
    public var warnings: [String] = []
    public var infos: [String] = []

    /// A success with pre-rendered `data` JSON.
    public static func success(_ data: [UInt8], warnings: [String] = [], infos: [String] = []) -> APIResult {
        APIResult(data: data, error: nil, warnings: warnings, infos: infos)
    }

    /// A failure.
    public static func failure(_ type: ErrorType, _ message: String, warnings: [String] = []) -> APIResult {
        APIResult(data: nil, error: (type, message), warnings: warnings)
    }

    /// `invalidParamError`: `invalid parameter "<name>": <reason>`, bad_data.
    public static func invalidParam(_ name: String, _ reason: any Error) -> APIResult {
        failure(.badData, "invalid parameter \(quotedGo(name)): \(reason)")
    }

    /// The HTTP status code.
    public var status: Int { error?.type.status ?? 200 }

    /// The envelope: `{"status":…,"data":…,"errorType":…,"error":…,"warnings":[…],"infos":[…]}`
    /// with empty members left out, in the field order of Prometheus's `Response` struct.
    public func body() -> [UInt8] {
        var w = JSONWriter(capacity: (data?.count ?? 0) + 64)
        if let error {
            w.raw(#"{"status":"error","errorType":"#)
            w.string(error.type.rawValue)
            w.raw(#","error":"#)
            w.string(error.message)
        } else {
            w.raw(#"{"status":"success","data":"#)
            if let data { w.rawBytes(data) } else { w.raw("null") }
        }
        if !warnings.isEmpty { w.raw(#","warnings":"#); w.strings(warnings) }
        if !infos.isEmpty { w.raw(#","infos":"#); w.strings(infos) }
        w.raw("}")
        return w.bytes
    }
}

/// Renders query values as Prometheus's `QueryData` (`{"resultType":…,"result":…}`).
public enum QueryJSON {
    /// The `data` member of a query_range answer (samples keep their own times).
    public static func data(_ value: QueryValue) -> [UInt8] { data(value, at: nil) }

    /// The `data` of an answer; with `t` (instant queries), scalars, strings and every vector
    /// sample are stamped with the evaluation time, as Prometheus's engine does (`Sample.T = ts`).
    /// With `stats`, the `stats` member follows (the API's `stats` parameter).
    public static func data(_ value: QueryValue, at t: Timestamp?, stats: QueryStatistics? = nil) -> [UInt8] {
        var w = JSONWriter(capacity: estimate(value))
        switch value {
        case .scalar(let v):
            w.raw(#"{"resultType":"scalar","result":"#)
            w.point(t ?? 0, v)
        case .string(let s):
            w.raw(#"{"resultType":"string","result":["#)
            w.timestamp(t ?? 0)
            w.raw(",")
            w.string(s)
            w.raw("]")
        case .vector(let samples):
            w.raw(#"{"resultType":"vector","result":["#)
            for (i, s) in samples.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw(#"{"metric":"#)
                w.labels(s.labels)
                w.raw(#","value":"#)
                w.point(t ?? s.t, s.value)
                w.raw("}")
            }
            w.raw("]")
        case .matrix(let series):
            w.raw(#"{"resultType":"matrix","result":["#)
            for (i, s) in series.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw(#"{"metric":"#)
                w.labels(s.labels)
                w.raw(#","values":["#)
                for (j, p) in s.points.enumerated() {
                    if j > 0 { w.raw(",") }
                    w.point(p.t, p.v)
                }
                w.raw("]}")
            }
            w.raw("]")
        }
        if let stats { write(stats, to: &w) }
        w.raw("}")
        return w.bytes
    }

    /// `,"stats":{"timings":{…},"samples":{…}}` in the field order of Prometheus's `BuiltinStats`.
    static func write(_ s: QueryStatistics, to w: inout JSONWriter) {
        w.raw(#","stats":{"timings":{"evalTotalTime":"#)
        w.number(s.queryPreparationTime + s.innerEvalTime)
        w.raw(#","resultSortTime":0,"queryPreparationTime":"#)
        w.number(s.queryPreparationTime)
        w.raw(#","innerEvalTime":"#)
        w.number(s.innerEvalTime)
        w.raw(#","execQueueTime":"#)
        w.number(s.execQueueTime)
        w.raw(#","execTotalTime":"#)
        w.number(s.execTotalTime)
        w.raw(#"},"samples":{"totalQueryableSamples":"#)
        w.int(s.totalQueryableSamples)
        w.raw(#","peakSamples":"#)
        w.int(Int64(s.peakSamples))
        w.raw("}}")
    }

    private static func estimate(_ value: QueryValue) -> Int {
        switch value {
        case .vector(let v): return 64 + v.count * 96
        case .matrix(let m): return 64 + m.reduce(0) { $0 + 64 + $1.points.count * 28 }
        default: return 64
        }
    }
}
