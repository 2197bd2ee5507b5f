/// The kind of an auto-labeling task (the service's `task_type`).
public enum TaskType: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Active learning: train on the labeled samples, predict the unlabeled ones.
    case autoLabel = 0
    /// Run a registered model over the unlabeled samples.
    case preLabel = 1

    /// `auto-label` or `pre-label`.
    public var serviceName: String {
        switch self {
        case .autoLabel: "auto-label"
        case .preLabel: "pre-label"
        }
    }

    public var description: String { serviceName }
}
