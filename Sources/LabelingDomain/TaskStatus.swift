/// The status of an auto-labeling task, with the service's integer values.
///
/// The only accepted transitions (``canTransition(to:)``):
///
/// ```
/// -1 queuing ─► 0 initializing ─► 1 running ─► 3 succeeded
///     │              │               │
///     ├──────────────┴───────────────┴─► 2 failed   (also from 4 stopping)
///     └──────────────┴───────────────┴─► 4 stopping ─► 5 stopped
/// ```
/// Failed, succeeded and stopped are terminal.
public enum TaskStatus: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case queuing = -1
    case initializing = 0
    case running = 1
    case failed = 2
    case succeeded = 3
    case stopping = 4
    case stopped = 5

    /// True for failed, succeeded and stopped.
    public var isTerminal: Bool {
        switch self {
        case .failed, .succeeded, .stopped: true
        case .queuing, .initializing, .running, .stopping: false
        }
    }

    /// Whether the task status machine accepts `self → next`.
    public func canTransition(to next: TaskStatus) -> Bool {
        switch (self, next) {
        case (.queuing, .initializing), (.initializing, .running), (.running, .succeeded):
            true
        case (.queuing, .failed), (.initializing, .failed), (.running, .failed), (.stopping, .failed):
            true
        case (.queuing, .stopping), (.initializing, .stopping), (.running, .stopping):
            true
        case (.stopping, .stopped):
            true
        default:
            false
        }
    }

    public var description: String {
        switch self {
        case .queuing: "queuing"
        case .initializing: "initializing"
        case .running: "running"
        case .failed: "failed"
        case .succeeded: "succeeded"
        case .stopping: "stopping"
        case .stopped: "stopped"
        }
    }
}
