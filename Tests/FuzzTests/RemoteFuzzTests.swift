import Model
import Prompb
@testable import Server
import SwiftProtobuf
import Testing

/// `POST /api/v1/read` takes a snappy-compressed protobuf `ReadRequest` from any client, and the
/// remote-write queue builds `WriteRequest`s that a receiver decodes; both decoders are fuzzed
/// the way the read handler uses them: snappy, protobuf, then matchers (regexes included).
@Suite("Fuzz: remote read/write decoding")
struct RemoteFuzzTests {
    /// Protobuf-shaped tokens: field tags, varints at their limits, length prefixes.
    static let tokens = ["\u{0a}", "\u{12}", "\u{1a}", "\u{08}\u{ff}\u{ff}\u{ff}\u{ff}\u{0f}", "\u{7f}", ".*", "(?i)", "[[:alpha:]]", "a{1000}"]

    /// Valid requests: the first byte of a seed says whether the rest is raw protobuf to compress
    /// (even) or an already compressed body (odd), so mutations reach both decoders.
    static func seeds() -> [[UInt8]] {
        var read = Prometheus_ReadRequest()
        var q = Prometheus_Query()
        q.startTimestampMs = 1_700_000_000_000
        q.endTimestampMs = 1_700_000_600_000
        for (t, n, v) in [(Prometheus_LabelMatcher.TypeEnum.eq, "__name__", "up"), (.re, "job", "api|web.*"), (.nre, "code", "5.."), (.neq, "i", "")] {
            var m = Prometheus_LabelMatcher()
            m.type = t; m.name = n; m.value = v
            q.matchers.append(m)
        }
        q.hints.stepMs = 15_000
        q.hints.startMs = 1_700_000_000_000
        read.queries = [q, q]
        read.acceptedResponseTypes = [.samples, .streamedXorChunks]

        var write = Prometheus_WriteRequest()
        var ts = Prometheus_TimeSeries()
        for (n, v) in [("__name__", "http_requests_total"), ("job", "api"), ("path", "/a\"b")] {
            var l = Prometheus_Label()
            l.name = n; l.value = v
            ts.labels.append(l)
        }
        for i in 0..<4 {
            var s = Prometheus_Sample()
            s.timestamp = 1_700_000_000_000 + Int64(i) * 15_000
            s.value = i == 3 ? .nan : Double(i) * 1.5
            ts.samples.append(s)
        }
        write.timeseries = [ts, ts]
        let r: [UInt8] = (try? read.serializedBytes()) ?? []
        let w: [UInt8] = (try? write.serializedBytes()) ?? []
        return [[0] + r, [2] + w, [1] + Snappy.encode(r), [3] + Snappy.encode(w)] + FuzzCorpus.seeds("remote")
    }

    @Test("snappy + ReadRequest / WriteRequest", .timeLimit(.minutes(1)))
    func decoders() {
        let report = FuzzRun(target: "remote", tokens: Self.tokens).run(seeds: Self.seeds()) { input in
            guard let mode = input.first else { return .accepted }
            let payload = Array(input.dropFirst())
            let raw: [UInt8]
            if mode & 1 == 0 {
                raw = payload
            } else {
                do throws(Snappy.DecodeError) { raw = try Snappy.decode(payload) } catch { return .rejected(error, message: error.description) }
            }
            return mode & 2 == 0 ? Self.decodeRead(raw) : Self.decodeWrite(raw)
        }
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    /// What `RemoteReadAPI` does before touching storage (its own range and matcher conversion).
    static func decodeRead(_ raw: [UInt8]) -> FuzzOutcome {
        do {
            let request = try Prometheus_ReadRequest(serializedBytes: raw)
            for q in request.queries {
                _ = RemoteReadAPI.range(q)
                do {
                    for matcher in try RemoteReadAPI.convert(q.matchers) { _ = matcher.matches("http_requests_total") }
                } catch {
                    return .rejected(error, message: "\(error)")
                }
            }
            return .accepted
        } catch {
            return .rejected(error, message: "\(error)")
        }
    }

    /// What a remote-write receiver does with a request body.
    static func decodeWrite(_ raw: [UInt8]) -> FuzzOutcome {
        do {
            let request = try Prometheus_WriteRequest(serializedBytes: raw)
            for ts in request.timeseries {
                _ = Labels(ts.labels.map { Label(name: $0.name, value: $0.value) })
            }
            return .accepted
        } catch {
            return .rejected(error, message: "\(error)")
        }
    }
}
