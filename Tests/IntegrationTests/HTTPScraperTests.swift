import Foundation
import Hummingbird
import Testing
@testable import Scrape

/// Real libcurl transfers against real HTTP servers on 127.0.0.1.
@Suite(.timeLimit(.minutes(1)))
struct HTTPScraperTests {
    static let body = "# TYPE up gauge\nup 1\n"

    func request(_ url: String, timeout: Int64 = 5000) -> HTTPScrapeRequest {
        HTTPScrapeRequest(url: url, timeoutMillis: timeout, acceptHeader: "text/plain;version=0.0.4;q=0.5", userAgent: "Lantern/test")
    }

    @Test func sendsPrometheusHeadersAndReturnsBody() async throws {
        let target = try await FakeTarget.start { _ in reply(.ok, Array(Self.body.utf8), headers: [("Content-Type", "text/plain; version=0.0.4")]) }
        var req = request(target.url, timeout: 2500)
        req.basicAuth = ("user", "pa:ss")
        let resp = try await CurlMultiDriver.shared.perform(req)
        #expect(resp.status == 200)
        #expect(String(decoding: resp.body, as: UTF8.self) == Self.body)
        #expect(resp.contentType == "text/plain; version=0.0.4")
        let seen = try #require(target.received.first)
        #expect(seen.path == "/metrics")
        #expect(seen.headers[.accept] == "text/plain;version=0.0.4;q=0.5")
        #expect(seen.headers[.userAgent] == "Lantern/test")
        #expect(seen.headers[.init("X-Prometheus-Scrape-Timeout-Seconds")!] == "2.5")
        #expect(seen.headers[.acceptEncoding] == "gzip")
        #expect(seen.headers[.authorization] == "Basic " + Data("user:pa:ss".utf8).base64EncodedString())
    }

    @Test func inflatesGzipBodies() async throws {
        let text = String(repeating: "http_requests_total{code=\"200\"} 1027\n", count: 500)
        let gz = try gzipped(text)
        let target = try await FakeTarget.start { _ in reply(.ok, gz, headers: [("Content-Encoding", "gzip"), ("Content-Type", "text/plain")]) }
        let resp = try await CurlMultiDriver.shared.perform(request(target.url))
        #expect(gz.count < text.utf8.count / 10)
        #expect(String(decoding: resp.body, as: UTF8.self) == text)
    }

    @Test func bearerTokenAndNoCompression() async throws {
        let target = try await FakeTarget.start { _ in reply(.ok, Array(Self.body.utf8)) }
        var req = request(target.url)
        req.authorization = ("Bearer", "s3cret")
        req.enableCompression = false
        _ = try await CurlMultiDriver.shared.perform(req)
        let seen = try #require(target.received.first)
        #expect(seen.headers[.authorization] == "Bearer s3cret")
        #expect(seen.headers[.acceptEncoding] == nil)
    }

    @Test func timesOutAtTheScrapeTimeout() async throws {
        let target = try await FakeTarget.start { _ in
            try await Task.sleep(for: .seconds(3))
            return reply(.ok, Array(Self.body.utf8))
        }
        let start = ContinuousClock.now
        await #expect {
            _ = try await CurlMultiDriver.shared.perform(request(target.url, timeout: 300))
        } throws: { ($0 as? HTTPScrapeError)?.kind == .timeout && "\($0)".contains("context deadline exceeded") }
        #expect(ContinuousClock.now - start < .seconds(4))
    }

    @Test func failsPastTheBodySizeLimit() async throws {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 200_000)
        let target = try await FakeTarget.start { _ in reply(.ok, big) }
        var req = request(target.url)
        req.bodySizeLimit = 10_000
        await #expect {
            _ = try await CurlMultiDriver.shared.perform(req)
        } throws: { ($0 as? HTTPScrapeError)?.kind == .bodySizeLimit }
        req.bodySizeLimit = 200_000
        #expect(try await CurlMultiDriver.shared.perform(req).body.count == 200_000)
    }

    @Test func reportsHTTPStatusErrors() async throws {
        let target = try await FakeTarget.start { _ in reply(.internalServerError, Array("boom".utf8)) }
        await #expect {
            _ = try await CurlMultiDriver.shared.perform(request(target.url))
        } throws: { "\($0)" == "server returned HTTP status 500 Internal Server Error" }
    }

    @Test func connectionRefusedIsATransportError() async throws {
        // Port 1 on loopback: nothing listens there.
        await #expect {
            _ = try await CurlMultiDriver.shared.perform(request("http://127.0.0.1:1/metrics"))
        } throws: { ($0 as? HTTPScrapeError)?.kind == .transport }
    }

    @Test func cancellationStopsTheTransferPromptly() async throws {
        let target = try await FakeTarget.start { _ in
            try await Task.sleep(for: .seconds(5))
            return reply(.ok, Array(Self.body.utf8))
        }
        let req = request(target.url, timeout: 10_000)
        let task = Task { try await CurlMultiDriver.shared.perform(req) }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        task.cancel()
        await #expect { _ = try await task.value } throws: { ($0 as? HTTPScrapeError)?.kind == .cancelled }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func manyConcurrentTransfersShareOneThread() async throws {
        let target = try await FakeTarget.start { _ in
            try await Task.sleep(for: .milliseconds(100))
            return reply(.ok, Array(Self.body.utf8))
        }
        let start = ContinuousClock.now
        let n = 64
        let ok = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<n { group.addTask { try await CurlMultiDriver.shared.perform(request(target.url)).status } }
            return try await group.reduce(0) { $0 + ($1 == 200 ? 1 : 0) }
        }
        #expect(ok == n)
        // 64 transfers of 100 ms each, concurrently: far less than 6.4 s sequentially.
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}

/// HTTPS scrapes against a real OpenSSL server with a test CA.
@Suite(.timeLimit(.minutes(1)))
struct HTTPSScraperTests {
    func request(_ url: String) -> HTTPScrapeRequest {
        HTTPScrapeRequest(url: url, timeoutMillis: 5000, acceptHeader: "text/plain", userAgent: "Lantern/test")
    }

    @Test func verifiesTheServerAgainstTheConfiguredCA() async throws {
        let target = try TLSTarget(body: "up 1\n")
        defer { target.stop() }
        var req = request(target.url)
        req.enableCompression = false
        // Without the CA the certificate is untrusted.
        await #expect { _ = try await CurlMultiDriver.shared.perform(req) } throws: { ($0 as? HTTPScrapeError)?.kind == .transport }
        req.tls.caFile = target.caFile
        let resp = try await CurlMultiDriver.shared.perform(req)
        #expect(String(decoding: resp.body, as: UTF8.self).contains("up 1"))
        // insecure_skip_verify also gets through.
        var insecure = request(target.url)
        insecure.tls.insecureSkipVerify = true
        #expect(try await CurlMultiDriver.shared.perform(insecure).status == 200)
    }

    @Test func presentsAClientCertificateWhenConfigured() async throws {
        let target = try TLSTarget(body: "up 1\n", requireClientCert: true)
        defer { target.stop() }
        var req = request(target.url)
        req.tls.caFile = target.caFile
        await #expect { _ = try await CurlMultiDriver.shared.perform(req) } throws: { $0 is HTTPScrapeError }
        req.tls.certFile = target.clientCert
        req.tls.keyFile = target.clientKey
        #expect(try await CurlMultiDriver.shared.perform(req).status == 200)
    }
}
