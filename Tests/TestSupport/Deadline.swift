import Foundation
import Synchronization

/// A wait that ran past its deadline: the test fails with what it waited for, never hangs.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public let what: String
    public let seconds: Double
    public var description: String { "waited \(seconds) s for \(what)" }
}

/// Runs `operation` and fails with ``DeadlineExceeded`` if it has not finished within
/// `seconds` (the operation is then cancelled). Every wait in the tests goes through a
/// deadline like this one, so a lost event fails the test instead of hanging the suite.
public func withDeadline<T: Sendable>(
    _ seconds: Double, waitingFor what: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw DeadlineExceeded(what: what, seconds: seconds)
        }
        return value
    }
}

/// A one-shot event a test can wait for: ``fire()`` from anywhere (any thread, any number
/// of times), ``wait(seconds:for:)`` returns once it has fired — at once if it already has.
public final class OneShotSignal: Sendable {
    private struct State {
        var fired = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.fired else { return [] }
            s.fired = true
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    public var hasFired: Bool { state.withLock { $0.fired } }

    /// Waits until ``fire()`` has been called, at most `seconds` (then ``DeadlineExceeded``).
    public func wait(seconds: Double = 30, for what: String = "a signal") async throws {
        try await withDeadline(seconds, waitingFor: what) {
            let id = self.state.withLock { s -> Int in
                s.nextID += 1
                return s.nextID
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { s -> Bool in
                        if s.fired || Task.isCancelled { return true }
                        s.waiters[id] = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.resume()
            }
            try Task.checkCancellation()
        }
    }
}
