import Testing
@testable import Config

@Suite struct PromDurationTests {
    @Test(arguments: [
        ("0", 0), ("0s", 0), ("30ms", 30), ("10s", 10_000), ("1m30s", 90_000), ("1h", 3_600_000), ("1d", 86_400_000),
        ("2w", 14 * 86_400_000), ("1y", 365 * 86_400_000), ("1m500ms", 60_500), ("1y2w3d4h5m6s7ms", 33_019_506_007),
    ] as [(String, Int64)])
    func parses(_ text: String, _ ms: Int64) throws {
        #expect(try PromDuration(parsing: text).milliseconds == ms)
    }

    @Test(arguments: ["", "1.5s", "-5m", "30s1m", "10S", "1 m", "m", "5", "1s1s", "+1s", "1mss"])
    func rejects(_ text: String) {
        #expect(throws: ConfigError.self) { try PromDuration(parsing: text) }
    }

    @Test func printsInPrometheusNotation() {
        let cases: [(Int64, String)] = [(0, "0s"), (90_000, "1m30s"), (86_400_000, "1d"), (14 * 86_400_000, "2w"),
                                        (60_500, "1m500ms"), (30, "30ms"), (365 * 86_400_000, "1y")]
        for (ms, text) in cases { #expect(PromDuration(milliseconds: ms).description == text) }
    }

    @Test func errorNamesTheText() {
        do { _ = try PromDuration(parsing: "1.5s"); Issue.record("expected an error") } catch {
            #expect(error.description.contains("1.5s"))
            #expect(error.description.contains("duration"))
        }
    }
}

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("0", 0), ("100B", 100), ("1KB", 1024), ("15MB", 15 << 20), ("1GB", 1 << 30), ("512MB", 512 << 20),
        ("2TB", 2 << 40), ("1PB", 1 << 50), ("1EB", 1 << 60), ("1KiB", 1024), ("1GB512MB", (1 << 30) + (512 << 20)),
    ] as [(String, Int64)])
    func parsesBase2(_ text: String, _ bytes: Int64) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    @Test(arguments: ["100", "10 gigs", "1kb", "GB", "", "1ZB"])
    func rejects(_ text: String) {
        #expect(throws: ConfigError.self) { try ByteSize(parsing: text) }
    }

    @Test func prints() {
        #expect(ByteSize(bytes: 512 << 20).description == "512MB")
        #expect(ByteSize(bytes: 1 << 30).description == "1GB")
        #expect(ByteSize(bytes: 1000).description == "1000B")
        #expect(ByteSize.zero.description == "0B")
    }
}

@Suite struct SecretTests {
    @Test func neverPrints() throws {
        let s = Secret("hunter2")
        #expect("\(s)" == "<secret>")
        #expect(String(describing: s) == "<secret>")
        let config = try ConfigLoader.parse(yaml: """
            scrape_configs:
              - job_name: a
                basic_auth: {username: u, password: hunter2}
            """, baseDirectory: "/etc/lantern")
        #expect(config.scrapeConfigs[0].httpClientConfig.basicAuth?.password.value == "hunter2")
        #expect(!"\(config)".contains("hunter2"))
        #expect(!String(reflecting: config).contains("hunter2"))
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }
}
