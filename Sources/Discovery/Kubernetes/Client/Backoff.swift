/// Exponential back-off with jitter between failed requests (client-go's reflector backs off
/// from about 800 ms to 30 s): each failure doubles the delay up to `maximum`; a success resets it.
public struct BackoffPolicy: Sendable, Equatable {
    /// Delay after the first failure.
    public var initial: Duration
    /// Upper bound of the delay.
    public var maximum: Duration

    /// About 1 s, doubling up to 30 s (SPEC §2.4).
    public static let standard = BackoffPolicy(initial: .seconds(1), maximum: .seconds(30))

    /// - Parameters:
    ///   - initial: delay after the first failure.
    ///   - maximum: cap of the doubling delay (before jitter).
    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }
}

struct Backoff {
    let policy: BackoffPolicy
    private var failures = 0

    init(_ policy: BackoffPolicy) { self.policy = policy }

    mutating func reset() { failures = 0 }

    /// The next delay: `initial · 2^n`, capped, scaled by a random factor in [0.5, 1] so many
    /// discoverers failing together do not retry in lockstep.
    mutating func next() -> Duration {
        let exp = min(failures, 16)
        failures += 1
        let base = min(policy.initial * (1 << exp), policy.maximum)
        return base * Double.random(in: 0.5...1.0)
    }

    /// Sleeps for the next delay; returns early (without throwing) when cancelled.
    mutating func sleep() async {
        try? await Task.sleep(for: next())
    }
}
