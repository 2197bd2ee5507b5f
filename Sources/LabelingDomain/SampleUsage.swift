/// What a sample is used for (the manifest's `usage`).
public enum SampleUsage: Int, Sendable, Hashable, CaseIterable {
    case train = 1
    case eval = 2
    case test = 3
    case inference = 4

    /// The manifest spelling: `TRAIN`, `EVAL`, `TEST`, `INFERENCE`.
    public var manifestName: String {
        switch self {
        case .train: "TRAIN"
        case .eval: "EVAL"
        case .test: "TEST"
        case .inference: "INFERENCE"
        }
    }
}
