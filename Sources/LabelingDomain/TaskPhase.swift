/// The phase a running task reports in its progress (the service's nested `events`).
public enum TaskPhase: Int, Sendable, Hashable, CaseIterable {
    case start = 0
    case initialize = 1
    case labeling = 2
    case resultProcessing = 3
    case end = 4

    /// `start`, `init`, `labeling`, `result_processing`, `end`.
    public var serviceName: String {
        switch self {
        case .start: "start"
        case .initialize: "init"
        case .labeling: "labeling"
        case .resultProcessing: "result_processing"
        case .end: "end"
        }
    }
}
