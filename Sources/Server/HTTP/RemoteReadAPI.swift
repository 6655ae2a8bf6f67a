import Foundation
import HTTPTypes
import Hummingbird
import Model
import NIOCore
import Prompb
import SwiftProtobuf
import Storage

/// `POST /api/v1/read`: Prometheus's remote-read protocol (a snappy-compressed protobuf
/// `ReadRequest`, answered with one snappy-compressed `ReadResponse` of raw samples, the
/// `SAMPLES` response type; streamed chunks are not offered, and clients that accept both
/// fall back to samples as Prometheus's own client does). Each query's matchers and time range
/// select the series; `hints.start_ms`/`end_ms`, when set, narrow the range further (they are
/// what the reading engine will actually look at). Series carry the stored samples, staleness
/// markers included, as Prometheus's `remote.ToQueryResult` sends them.
enum RemoteReadAPI {
    /// Request bodies larger than this (compressed) are refused.
    static let maxBody = 32 << 20

    static func add(to router: Router<BasicRequestContext>, storage: @escaping @Sendable () async -> (any Queryable)?) {
        router.post("/api/v1/read") { request, _ in
            var request = request
            let body: [UInt8]
            do {
                let buffer = try await request.collectBody(upTo: maxBody)
                body = try Snappy.decode(Array(buffer: buffer))
            } catch {
                return text(.badRequest, "remote read: cannot read the request: \(error)")
            }
            let read: Prometheus_ReadRequest
            do { read = try Prometheus_ReadRequest(serializedBytes: body) } catch {
                return text(.badRequest, "remote read: cannot decode the ReadRequest: \(error)")
            }
            guard let storage = await storage() else { return text(.serviceUnavailable, "storage is not open") }
            var response = Prometheus_ReadResponse()
            for query in read.queries {
                let matchers: [Matcher]
                do { matchers = try convert(query.matchers) } catch {
                    return text(.badRequest, "remote read: \(error)")
                }
                let (mint, maxt) = range(query)
                var result = Prometheus_QueryResult()
                if mint <= maxt {
                    let querier = try await storage.querier(mint: mint, maxt: maxt)
                    let set: SeriesSet
                    do { set = try await querier.select(matchers: matchers) } catch {
                        await querier.close()
                        return text(.internalServerError, "remote read: \(error)")
                    }
                    await querier.close()
                    result.timeseries = set.series.compactMap(timeSeries)
                }
                response.results.append(result)
            }
            let encoded: [UInt8] = try response.serializedBytes()
            var headers = HTTPFields()
            headers[.contentType] = "application/x-protobuf"
            headers[.contentEncoding] = "snappy"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Snappy.encode(encoded))))
        }
    }

    /// The query's range, narrowed by its hints when they are set.
    static func range(_ q: Prometheus_Query) -> (Timestamp, Timestamp) {
        var mint = q.startTimestampMs, maxt = q.endTimestampMs
        if q.hasHints {
            if q.hints.startMs != 0 { mint = max(mint, q.hints.startMs) }
            if q.hints.endMs != 0 { maxt = min(maxt, q.hints.endMs) }
        }
        return (mint, maxt)
    }

    static func convert(_ ms: [Prometheus_LabelMatcher]) throws -> [Matcher] {
        try ms.map { m in
            let type: Matcher.MatchType
            switch m.type {
            case .eq: type = .equal
            case .neq: type = .notEqual
            case .re: type = .regexMatch
            case .nre: type = .regexNoMatch
            case .UNRECOGNIZED(let n): throw RemoteReadError(description: "unknown matcher type \(n)")
            }
            return try Matcher(type, m.name, m.value)
        }
    }

    static func timeSeries(_ s: Series) -> Prometheus_TimeSeries? {
        var ts = Prometheus_TimeSeries()
        ts.labels = s.labels.map { l in
            var pl = Prometheus_Label()
            pl.name = l.name
            pl.value = l.value
            return pl
        }
        var it = s.makeIterator()
        while let sample = it.next() {
            var ps = Prometheus_Sample()
            ps.timestamp = sample.t
            ps.value = sample.v
            ts.samples.append(ps)
        }
        return ts.samples.isEmpty ? nil : ts
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}

struct RemoteReadError: Error, CustomStringConvertible {
    let description: String
}
