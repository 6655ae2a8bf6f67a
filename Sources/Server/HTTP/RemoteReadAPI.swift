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
/// markers included, as Prometheus's `remote.ToQueryResult` sends them. As Prometheus's read
/// handler, equality matchers on this server's external labels are satisfied by them (a
/// reader with `filter_external_labels` sends them), and every series carries them.
enum RemoteReadAPI {
    /// The body was bounded by `RequestBodyLimitMiddleware` (`--web.max-request-body-size`)
    /// before this handler runs; the decoded size by `Snappy.decode` (32 MiB).
    static let maxBody = Int.max

    static func add(to router: Router<BasicRequestContext>, externalLabels: @escaping @Sendable () async -> Labels,
                    storage: @escaping @Sendable () async -> (any Queryable)?) {
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
            let external = await externalLabels()
            for query in read.queries {
                var matchers: [Matcher]
                do {
                    matchers = try convert(query.matchers).filter { !($0.type == .equal && external[$0.name] == $0.value) }
                } catch {
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
                    result.timeseries = set.series.compactMap { timeSeries($0, external: external) }
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

    static func timeSeries(_ s: Series, external: Labels) -> Prometheus_TimeSeries? {
        var ts = Prometheus_TimeSeries()
        var labels = s.labels
        if !external.isEmpty {
            var b = LabelsBuilder(labels)
            for e in external where labels[e.name] == nil { b.set(e.name, e.value) }
            labels = b.labels()
        }
        ts.labels = labels.map { l in
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
