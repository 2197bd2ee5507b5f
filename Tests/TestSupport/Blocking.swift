import Foundation

/// Runs blocking work — waiting on child processes, sleeping between kills — on a thread of
/// its own. Swift's cooperative pool has one thread per core (2 here): a test that blocks
/// one for tens of seconds starves every other test running in parallel.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
