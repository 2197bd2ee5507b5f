/// The phase a running task reports in its progress (the service's nested `events`).
public enum TaskPhase: Int, Sendable, Hashable, CaseIterable {
    case start = 0
    case initialize = 1
    case labeling = 2
    case resultProcessing = 3
    case end = 4

    /// The part of the whole task this phase covers, in percent of the task: `start` 0–2,
    /// `init` (reading and decoding the images) 2–20, then training or the model's run
    /// (no events while it lasts) up to ``trainedPercent``, `labeling` (recording the
    /// predictions and hard examples) 60–95, `result_processing` 95–99, `end` 99. Only a
    /// succeeded task is at 100.
    public var span: ClosedRange<Double> {
        switch self {
        case .start: 0...2
        case .initialize: 2...20
        case .labeling: Self.trainedPercent...95
        case .resultProcessing: 95...99
        case .end: 99...99
        }
    }

    /// The whole task's progress when training (or the pre-label model's run) has finished.
    public static let trainedPercent = 60.0

    /// The whole task's progress in percent when `processed` of `total` items of this phase
    /// are done (`total` 0: the phase is done): within ``span``, never 100.
    public func taskPercent(processed: UInt64, total: UInt64) -> Double {
        let fraction = total == 0 ? 1 : min(1, Double(processed) / Double(total))
        return span.lowerBound + (span.upperBound - span.lowerBound) * fraction
    }

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
