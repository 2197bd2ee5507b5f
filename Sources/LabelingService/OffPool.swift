import Dispatch

/// Runs blocking work — file and image reads, SQLite, log reads, a long synchronous
/// decision — outside Swift's cooperative thread pool, and lets the caller await it.
///
/// The cooperative pool has one thread per core: a task that blocks one in I/O (or holds it
/// for seconds of synchronous work) leaves every other task of the process — HTTP handlers,
/// database connections, `/health` — without a thread. Work handed to ``run(_:)`` runs on a
/// dispatch queue's thread instead; the awaiting task holds no thread meanwhile.
///
/// ```swift
/// let (entries, problems) = try await OffPool.run { () throws(InterchangeError) in try read(source) }
/// ```
///
/// Invariant: `work` runs exactly once, on a thread that is not one of the pool's; its
/// result or error is what the call returns or throws.
public enum OffPool {
    public static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Result { () throws(E) in try work() })
            }
        }
        return try result.get()
    }
}
