import Synchronization

/// The wake-up of live subscriptions: a counter bumped whenever the head may have moved (a
/// `NOTIFY` arrived, this process committed an append, the listening connection was
/// re-established, the store closed), and the subscribers waiting for it to move.
///
/// It carries no position: a woken subscriber asks the database (position queries are the
/// truth), so a lost or merged notification costs a wake-up, never an event. A subscriber takes
/// a ``ticket()`` *before* it reads, and ``wait(beyond:timeout:)`` returns at once if anything
/// bumped since, so a commit between its read and its wait is never slept through.
final class HeadWatch: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var known: UInt64 = 0
        var listening = false
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// The current generation; pass it to ``wait(beyond:timeout:)``.
    func ticket() -> UInt64 { state.withLock { $0.generation } }

    /// Whether the `LISTEN` is in place (set by the listener, cleared when its connection drops).
    var isListening: Bool { state.withLock { $0.listening } }

    func setListening(_ listening: Bool) {
        state.withLock { $0.listening = listening }
        bump()
    }

    /// The highest position this process has seen durable (its own appends, notifications,
    /// head queries): a lower bound of the head, see ``PostgresEventStore/knownHead``.
    var known: UInt64 { state.withLock { $0.known } }

    /// Raises ``known`` to `position` (a read or a head query saw it durable), waking nobody.
    func see(_ position: UInt64) {
        state.withLock { $0.known = max($0.known, position) }
    }

    /// The head may have moved (to at least `seen`, when given): wakes every waiter.
    func bump(seen: UInt64? = nil) {
        let waiters = state.withLock { s in
            if let seen { s.known = max(s.known, seen) }
            s.generation &+= 1
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the generation passes `ticket`, after `timeout` (a re-check of the truth in
    /// case a wake-up was lost with a connection), or when the task is cancelled.
    func wait(beyond ticket: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForBump(beyond: ticket) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForBump(beyond ticket: UInt64) async {
        let id: UInt64? = state.withLock { s in
            if s.generation != ticket { return nil }
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.generation != ticket || Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
