import Foundation

/// What one parser did with one input.
enum FuzzOutcome {
    /// The input was accepted.
    case accepted
    /// The input was rejected with this error (must be a typed error with a message).
    case rejected(any Error, message: String)
}

/// Runs a seeded mutation fuzzer against one parser for a bounded time, and replays the
/// committed regression inputs first.
///
/// A crash kills the test process, so it is reported by the process exit rather than here:
/// the seed printed at the start replays the exact sequence of inputs
/// (`LANTERN_FUZZ_SEED=… swift test --filter FuzzTests`), and `LANTERN_FUZZ_SAVE_CURRENT=path`
/// writes every input to `path` before parsing it, so the one that crashed is left behind
/// (`scripts/fuzz.sh` sets it). What this harness checks in-process: every input finishes
/// within `perInputBudget` (a hang shows up as a slow input long before it hangs CI) and every
/// rejection carries a non-empty message.
struct FuzzRun {
    let target: String
    let tokens: [String]
    var perInputBudget: Duration = .seconds(2)

    /// A problem found by the run, with the file its input was saved to.
    struct Finding: CustomStringConvertible {
        let what: String
        let savedAt: String
        var description: String { "\(what) (input saved at \(savedAt))" }
    }

    struct Report {
        var seed: UInt64 = 0
        var iterations = 0
        var accepted = 0
        var rejected = 0
        var slowest: Duration = .zero
        var findings: [Finding] = []
    }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `LANTERN_FUZZ_SECONDS` (default 0.5 s per target: the CI budget; the suites run beside
    /// timing-sensitive ones on two cores).
    static var timeBudget: Duration {
        .milliseconds(Int((Double(environment["LANTERN_FUZZ_SECONDS"] ?? "") ?? 0.5) * 1000))
    }

    /// `LANTERN_FUZZ_ITERATIONS` caps the iterations (default 50,000).
    static var maxIterations: Int { Int(environment["LANTERN_FUZZ_ITERATIONS"] ?? "") ?? 50_000 }

    /// `LANTERN_FUZZ_SEED` (a number, or `random` for a fresh one each run); by default a fixed
    /// seed, so the suite (and CI) explores the same inputs every run and stays reproducible.
    /// New territory comes from `scripts/fuzz.sh`, which sets a fresh seed per round.
    static func seed() -> UInt64 {
        if let text = environment["LANTERN_FUZZ_SEED"], let s = UInt64(text) { return s }
        if environment["LANTERN_FUZZ_SEED"] == "random" { return UInt64.random(in: 1...UInt64(UInt32.max)) }
        return 20_261_127
    }

    /// Replays `Regressions/<target>`, then mutates `seeds` until the time or iteration budget is spent.
    func run(seeds: [[UInt8]], _ parse: ([UInt8]) -> FuzzOutcome) -> Report {
        var report = Report()
        report.seed = Self.seed()
        print("fuzz \(target): seed \(report.seed) (replay with LANTERN_FUZZ_SEED=\(report.seed))")
        for input in FuzzCorpus.regressions(target) + seeds {
            check(input, iteration: -1, &report, parse)
        }
        var rng = SeededRandom(seed: report.seed)
        let mutator = Mutator(extraTokens: tokens)
        let deadline = ContinuousClock.now + Self.timeBudget
        var previous = seeds[0]
        for i in 0..<Self.maxIterations {
            if i % 16 == 0, ContinuousClock.now > deadline { break }
            let base = rng.oneIn(4) ? previous : seeds[rng.below(seeds.count)]
            let input = mutator.mutate(base, corpus: seeds, rng: &rng)
            check(input, iteration: i, &report, parse)
            previous = input
            report.iterations += 1
        }
        print("fuzz \(target): \(report.iterations) inputs, \(report.accepted) accepted, \(report.rejected) rejected, slowest \(report.slowest)")
        return report
    }

    private static let savePath = environment["LANTERN_FUZZ_SAVE_CURRENT"]

    private func check(_ input: [UInt8], iteration: Int, _ report: inout Report, _ parse: ([UInt8]) -> FuzzOutcome) {
        if let path = Self.savePath { _ = FileManager.default.createFile(atPath: path, contents: Data(input)) }
        let started = ContinuousClock.now
        let outcome = parse(input)
        let took = ContinuousClock.now - started
        report.slowest = max(report.slowest, took)
        switch outcome {
        case .accepted: report.accepted += 1
        case .rejected(let error, let message):
            report.rejected += 1
            if message.trimmingCharacters(in: .whitespaces).isEmpty {
                report.findings.append(Finding(what: "empty error message from \(type(of: error)) at iteration \(iteration)", savedAt: save(input, report.seed, iteration)))
            }
        }
        if took > perInputBudget {
            report.findings.append(Finding(what: "input took \(took) (budget \(perInputBudget)) at iteration \(iteration), \(input.count) bytes", savedAt: save(input, report.seed, iteration)))
        }
    }

    /// Writes a failing input where the developer can move it into `Regressions/<target>/`.
    private func save(_ input: [UInt8], _ seed: UInt64, _ iteration: Int) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-fuzz-findings")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("\(target)-\(seed)-\(iteration).bin")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(input))
        return file.path
    }
}

/// The committed inputs: `Corpus/<target>/` (valid and near-valid inputs to mutate) and
/// `Regressions/<target>/` (every input that ever crashed, hung or misbehaved; replayed first).
/// A `.lines` file holds one input per line (PromQL queries).
enum FuzzCorpus {
    static func inputs(_ folder: String, _ target: String) -> [[UInt8]] {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent(folder).appendingPathComponent(target),
              let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return [] }
        var out: [[UInt8]] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(name).path) else { continue }
            if name.hasSuffix(".lines") {
                out += data.split(separator: UInt8(ascii: "\n")).map { Array($0) }
            } else {
                out.append(Array(data))
            }
        }
        return out
    }

    static func seeds(_ target: String) -> [[UInt8]] { inputs("Corpus", target) }
    static func regressions(_ target: String) -> [[UInt8]] { inputs("Regressions", target) }
}
