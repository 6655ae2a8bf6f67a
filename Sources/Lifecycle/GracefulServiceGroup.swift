public import Logging
public import ServiceLifecycle
public import UnixSignals

/// A `ServiceGroup` whose shutdown is always graceful: cancelling the task that runs it
/// triggers the group's graceful shutdown instead of cancelling its services.
///
/// Why it exists: a Hummingbird server cancelled while a connection it accepted still waits
/// in the accept loop's buffer traps the whole process in SwiftNIO ("Deinited NIOAsyncWriter
/// without calling finish()", apple/swift-nio#2637 and #3481). A graceful shutdown closes the
/// listening socket and lets the accept loop drain that buffer, so every accepted connection
/// is served or closed properly. Every HTTP server in Lantern and its tests runs in one of these.
public struct GracefulServiceGroup: Sendable {
    /// The wrapped group; `triggerGracefulShutdown()` on it stops everything.
    public let group: ServiceGroup

    /// - Parameters:
    ///   - services: run in order, shut down in reverse order (ServiceLifecycle's rule).
    ///   - gracefulShutdownSignals: e.g. SIGTERM and SIGINT for the main server; none in tests.
    ///   - maximumGracefulShutdownDuration: after this the services are cancelled after all
    ///     (a client that never reads its response must not hold shutdown forever); nil waits.
    public init(services: [any Service], gracefulShutdownSignals: [UnixSignal] = [],
                maximumGracefulShutdownDuration: Duration? = nil, logger: Logger) {
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: gracefulShutdownSignals,
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = maximumGracefulShutdownDuration
        group = ServiceGroup(configuration: configuration)
    }

    /// Runs the services until they end or a graceful shutdown completes. Cancelling the caller
    /// starts that graceful shutdown and waits for it: the services never see the cancellation.
    public func run() async throws {
        let group = self.group
        // An unstructured task does not inherit the caller's cancellation.
        let running = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// Starts the graceful shutdown; `run()` returns once it is done.
    public func triggerGracefulShutdown() async {
        await group.triggerGracefulShutdown()
    }
}
