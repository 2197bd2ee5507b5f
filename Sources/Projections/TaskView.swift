import LabelingDomain

/// An auto-labeling task as the service's task views show it, with its history.
public struct TaskView: Sendable, Equatable {
    /// One of the service's nested task `events`: `start`, `init`, `labeling`,
    /// `result_processing`, `end`, each `waiting | running | failed | success`.
    public struct Phase: Sendable, Equatable {
        public var name: String
        public var status: String
    }

    /// One event of the task's history.
    public struct Event: Sendable, Equatable {
        public var position: UInt64
        public var type: String
        /// The task's status after the event.
        public var status: TaskStatus
        public var at: Instant
        public var actor: String
        public var detail: String
    }

    public var dataset: DatasetID
    public var id: TaskID
    public var type: TaskType
    public var algorithm: AutoLabelAlgorithm
    public var model: String?
    public var targetAccuracy: Double
    public var requestedBy: String
    public var status: TaskStatus
    public var queuedAt: Instant
    public var startedAt: Instant?
    public var endedAt: Instant?
    /// Percent, 0–100.
    public var progress: Double
    public var phase: TaskPhase?
    public var processed: UInt64?
    public var total: UInt64?
    public var metrics: [String: Double]
    public var failureCode: String?
    public var failureMessage: String?
    /// Samples auto-labeled so far (`annotated_sample_count` while running).
    public var autoLabeledSamples: UInt64
    public var hardExamples: UInt64
    /// The counts a succeeded task reported.
    public var result: TaskResultCounts?
    public var stopRequestedBy: String?
    /// Microseconds from start to end (or to the last event while running); nil before start.
    public var elapsedMicroseconds: Int64?
    public var phases: [Phase]
    /// In log order.
    public var events: [Event]
}

/// A page of a dataset's task history (`{tasks[], total_count}`).
public struct TaskList: Sendable, Equatable {
    public var tasks: [TaskView]
    public var totalCount: Int
}

extension TaskView {
    /// Derives the nested phase statuses from the status and the last reported phase.
    static func phases(status: TaskStatus, phase: TaskPhase?, started: Bool) -> [Phase] {
        let current: Int
        switch status {
        case .queuing: current = -1
        case .initializing: current = TaskPhase.initialize.rawValue
        case .succeeded: current = TaskPhase.allCases.count
        default: current = started ? max(phase?.rawValue ?? TaskPhase.labeling.rawValue, TaskPhase.initialize.rawValue) : 0
        }
        return TaskPhase.allCases.map { p in
            let state: String
            if status == .queuing {
                state = "waiting"
            } else if p.rawValue < current || (p == .start && started) {
                state = "success"
            } else if p.rawValue == current {
                switch status {
                case .failed, .stopped: state = "failed"
                default: state = "running"
                }
            } else {
                state = "waiting"
            }
            return Phase(name: p.serviceName, status: state)
        }
    }
}
