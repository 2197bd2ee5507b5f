import LedgerComposition
import ServiceLifecycle

/// Runs the runtime's projector and reactor as a lifecycle service: on SIGTERM/SIGINT the
/// HTTP server stops accepting, in-flight requests finish, then this service is cancelled
/// and the log is closed (every accepted append durable, subscriptions ended). Work the
/// cancellation interrupts ends with a `CancellationError`, which is the clean stop the
/// signal asked for: the process exits 0.
public struct LedgerService: Service {
    public let runtime: LedgerRuntime

    public init(runtime: LedgerRuntime) {
        self.runtime = runtime
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await runtime.runBackground()
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            // Stopped by the signal while busy (the reactor catching up on a large log, say):
            // that is the stop that was asked for, not a failure.
        }
        await runtime.close()
    }
}
