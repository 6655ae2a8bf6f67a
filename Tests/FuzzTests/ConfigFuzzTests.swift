import Config
import Testing

/// `prometheus.yml` is trusted more than network input, but a typo must give an error, never a
/// crash of `serve` on reload.
@Suite("Fuzz: configuration loader")
struct ConfigFuzzTests {
    static let tokens = ["scrape_configs:\n", "- job_name: ", "static_configs:\n  - targets: [", "relabel_configs:\n",
                         "  regex: '(.*)'\n", "kubernetes_sd_configs:\n", "&anchor ", "*anchor", "<<: *anchor", "!!binary ",
                         "? ", ": ", "- ", "|\n", ">-\n", "---\n", "...\n", "%YAML 1.1\n", "  ", "\t", "1h30m", "10MB", "[[[[", "{{{{"]

    @Test("YAML text", .timeLimit(.minutes(1)))
    func loader() {
        let seeds = FuzzCorpus.seeds("config")
        #expect(!seeds.isEmpty)
        let report = FuzzRun(target: "config", tokens: Self.tokens).run(seeds: seeds) { input in
            do throws(ConfigError) {
                _ = try ConfigLoader.parse(yaml: String(decoding: input, as: UTF8.self), baseDirectory: "/tmp")
                return .accepted
            } catch {
                return .rejected(error, message: error.message)
            }
        }
        #expect(report.findings.isEmpty, "\(report.findings)")
    }
}
