import Synchronization

/// Gathers the outcomes of a multi-append's requests, which arrive one by one from the
/// lock and the writer queue, and hands them over together once the last is in.
///
/// Invariant: `done` is called exactly once, after every slot was set once.
final class OutcomeCollector: Sendable {
    private let slots: Mutex<(outcomes: [Result<AppendResult, LogError>?], missing: Int)>
    private let done: @Sendable ([Result<AppendResult, LogError>]) -> Void

    init(count: Int, done: @escaping @Sendable ([Result<AppendResult, LogError>]) -> Void) {
        slots = Mutex((Array(repeating: nil, count: count), count))
        self.done = done
    }

    func set(_ index: Int, _ outcome: Result<AppendResult, LogError>) {
        let complete: [Result<AppendResult, LogError>]? = slots.withLock { s in
            precondition(s.outcomes[index] == nil, "outcome \(index) set twice")
            s.outcomes[index] = outcome
            s.missing -= 1
            return s.missing == 0 ? s.outcomes.map { $0! } : nil
        }
        if let complete { done(complete) }
    }
}
