/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Tests wait
/// on outcomes this way instead of fixed sleeps, so a loaded CI machine does not make them flaky.
func eventually(timeout: Duration = .seconds(10), every: Duration = .milliseconds(50), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: every)
    }
    return try await condition()
}
