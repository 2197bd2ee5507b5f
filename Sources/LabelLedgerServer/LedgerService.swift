import ServiceLifecycle

/// Runs the runtime's projector and reactor as a lifecycle service: on SIGTERM/SIGINT the
/// HTTP server stops accepting, in-flight requests finish, then this service is cancelled
/// and the log is closed (every accepted append durable, subscriptions ended).
public struct LedgerService: Service {
    public let runtime: LedgerRuntime

    public init(runtime: LedgerRuntime) {
        self.runtime = runtime
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await runtime.runBackground()
        }
        await runtime.close()
    }
}
