import LabelingDomain
import Synchronization

/// The end of an auto-labeling task as the reactor read it from the log: the status of its
/// terminal event (succeeded, failed or stopped) and that event's position.
public struct TaskOutcome: Sendable, Hashable {
    public let dataset: DatasetID
    public let task: TaskID
    public let status: TaskStatus
    public let position: UInt64
}

/// The outcomes the reactor has seen, for callers that wait for a task to end (tests,
/// tools) instead of polling the dataset's state.
///
/// Invariants: an outcome is recorded once per task (the first terminal event wins, as in
/// the domain, where a terminal task takes no further status); ``wait(dataset:task:)``
/// returns at once for a recorded outcome and otherwise when it is recorded or the caller is
/// cancelled; at most ``capacity`` outcomes are kept (oldest dropped first), so memory stays
/// bounded however long the reactor runs.
public final class TaskOutcomes: Sendable {
    private struct Key: Hashable {
        let dataset: DatasetID
        let task: TaskID
    }
    private struct State {
        var outcomes: [Key: TaskOutcome] = [:]
        var order: [Key] = []
        var first = 0
        var nextWaiter = 0
        var waiters: [Key: [Int: CheckedContinuation<TaskOutcome?, Never>]] = [:]
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Records a terminal event and wakes every waiter of that task.
    func record(_ outcome: TaskOutcome) {
        let key = Key(dataset: outcome.dataset, task: outcome.task)
        let waiters = state.withLock { s -> [CheckedContinuation<TaskOutcome?, Never>] in
            guard s.outcomes[key] == nil else { return [] }
            s.outcomes[key] = outcome
            s.order.append(key)
            if s.order.count - s.first > capacity {
                s.outcomes[s.order[s.first]] = nil
                s.first += 1
                if s.first > capacity {
                    s.order.removeFirst(s.first)
                    s.first = 0
                }
            }
            return Array((s.waiters.removeValue(forKey: key) ?? [:]).values)
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    /// The outcome of a task, if the reactor has read its terminal event.
    public func outcome(dataset: DatasetID, task: TaskID) -> TaskOutcome? {
        state.withLock { $0.outcomes[Key(dataset: dataset, task: task)] }
    }

    /// Waits until the task's terminal event has been read. Returns `nil` only when the
    /// calling task is cancelled first (put a deadline around it).
    public func wait(dataset: DatasetID, task: TaskID) async -> TaskOutcome? {
        let key = Key(dataset: dataset, task: task)
        let id = state.withLock { s -> Int in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<TaskOutcome?, Never>) in
                let ready = state.withLock { s -> TaskOutcome?? in
                    if let outcome = s.outcomes[key] { return .some(outcome) }
                    if Task.isCancelled { return .some(nil) }
                    s.waiters[key, default: [:]][id] = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters[key]?.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}
