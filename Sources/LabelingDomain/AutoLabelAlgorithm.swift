/// Active-learning algorithm (the service's `algorithm_type`).
public enum AutoLabelAlgorithm: Int, Sendable, Hashable, CaseIterable {
    /// Train on labeled samples only.
    case fast = 0
    /// Semi-supervised: also learn from unlabeled data.
    case accurate = 1
}
