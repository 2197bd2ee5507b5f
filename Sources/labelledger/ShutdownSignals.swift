#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import ServiceLifecycle

/// SIGTERM and SIGINT as a graceful shutdown of `serve`'s service group, from the moment
/// this is made — before the server says it listens, so no signal falls between that line
/// and the group's start (the group, told before it runs, starts its services and shuts
/// them down at once).
///
/// Before it is made (opening and checking the log, catching the projections up), the
/// signals keep their default action: the process ends at once, killed by the signal.
/// That is safe: every step of a start is crash-safe, and nothing was served yet.
final class ShutdownSignals: @unchecked Sendable {
    /// Touched only in `init` and `deinit`.
    private let sources: [any DispatchSourceSignal]

    init(group: ServiceGroup) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Task { await group.triggerGracefulShutdown() } }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
