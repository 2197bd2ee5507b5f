/// The labeling state of a sample. Every sample is in exactly one state.
///
/// | State | Service `sample_state` | stats key |
/// |---|---|---|
/// | ``unlabeled`` | `__NONE__` | `un_annotation` |
/// | ``toBeConfirmed`` | `__AUTO_ANNOTATION__` | `auto_annotation` |
/// | ``labeled`` | `__ALL__` | `manual_annotation` |
///
/// Invariants kept by `evolve`: an unlabeled sample has no labels and no
/// predictions; a to-be-confirmed sample has predictions and no labels; a
/// labeled sample has labels and no pending predictions.
public enum SampleState: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case unlabeled = 0
    /// Auto-labeled, waiting for a person to confirm or reject.
    case toBeConfirmed = 1
    case labeled = 2

    /// The service's `sample_state` query value.
    public var serviceName: String {
        switch self {
        case .unlabeled: "__NONE__"
        case .toBeConfirmed: "__AUTO_ANNOTATION__"
        case .labeled: "__ALL__"
        }
    }

    public var description: String {
        switch self {
        case .unlabeled: "unlabeled"
        case .toBeConfirmed: "toBeConfirmed"
        case .labeled: "labeled"
        }
    }
}
