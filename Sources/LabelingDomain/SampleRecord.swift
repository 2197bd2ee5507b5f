/// What the dataset state keeps about one sample: enough for every rule, and
/// nothing the rules do not need (source path, hash and usage live in events
/// and projections).
///
/// Invariants (kept by `evolve` when events come from `decide`):
/// - `unlabeled`: `labels` and `predictedLabels` empty;
/// - `toBeConfirmed`: `predictedLabels` non-empty, `labels` empty;
/// - `labeled`: `labels` non-empty, `predictedLabels` empty.
public struct SampleRecord: Sendable, Equatable {
    public var name: String
    public var state: SampleState
    /// The labels a person set or confirmed (labeled samples).
    public var labels: [SampleLabel]
    /// Machine predictions waiting for confirmation (to-be-confirmed samples).
    public var predictedLabels: [SampleLabel]
    public var hardMark: HardMark?
    public var width: UInt32
    public var height: UInt32
    public var channels: UInt32

    public init(
        name: String, state: SampleState = .unlabeled, labels: [SampleLabel] = [], predictedLabels: [SampleLabel] = [],
        hardMark: HardMark? = nil, width: UInt32, height: UInt32, channels: UInt32
    ) {
        self.name = name
        self.state = state
        self.labels = labels
        self.predictedLabels = predictedLabels
        self.hardMark = hardMark
        self.width = width
        self.height = height
        self.channels = channels
    }

    /// The labels the sample shows in its tab: its labels when labeled, its
    /// predictions when to be confirmed, nothing when unlabeled.
    public var visibleLabels: [SampleLabel] {
        switch state {
        case .unlabeled: []
        case .toBeConfirmed: predictedLabels
        case .labeled: labels
        }
    }
}
