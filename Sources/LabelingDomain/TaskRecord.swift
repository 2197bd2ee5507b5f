/// The state of one auto-labeling task of a dataset, and its history as far
/// as the rules and the task views need it.
public struct TaskRecord: Sendable, Equatable {
    public struct Progress: Sendable, Equatable {
        public var processed: UInt64
        public var total: UInt64
        public var percent: Double
        public var phase: TaskPhase
        public var at: Instant

        public init(processed: UInt64, total: UInt64, percent: Double, phase: TaskPhase, at: Instant) {
            self.processed = processed
            self.total = total
            self.percent = percent
            self.phase = phase
            self.at = at
        }
    }

    public struct Failure: Sendable, Equatable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var id: TaskID
    public var type: TaskType
    public var algorithm: AutoLabelAlgorithm
    /// Pre-label tasks only.
    public var model: ModelRef?
    public var targetAccuracy: Double
    public var requestedBy: String
    public var status: TaskStatus
    public var queuedAt: Instant
    public var startedAt: Instant?
    public var endedAt: Instant?
    public var progress: Progress?
    public var metrics: [String: Double]
    public var failure: Failure?
    public var result: TaskResultCounts?
    public var stopRequestedBy: String?
    /// Samples this task auto-labeled; kept only while the task is not finished
    /// (a restarted task skips them; the same sample twice is refused).
    public var autoLabeledSamples: Set<SampleID>
    /// Number of hard-example findings the task recorded.
    public var hardExamplesFound: UInt64

    public init(
        id: TaskID, type: TaskType, algorithm: AutoLabelAlgorithm, model: ModelRef?, targetAccuracy: Double,
        requestedBy: String, status: TaskStatus = .queuing, queuedAt: Instant
    ) {
        self.id = id
        self.type = type
        self.algorithm = algorithm
        self.model = model
        self.targetAccuracy = targetAccuracy
        self.requestedBy = requestedBy
        self.status = status
        self.queuedAt = queuedAt
        self.startedAt = nil
        self.endedAt = nil
        self.progress = nil
        self.metrics = [:]
        self.failure = nil
        self.result = nil
        self.stopRequestedBy = nil
        self.autoLabeledSamples = []
        self.hardExamplesFound = 0
    }

    /// The annotator stamped on this task's predictions.
    public var annotator: Annotator {
        if type == .preLabel, let model { return .preLabelModel(name: model.name, version: model.version) }
        return .activeLearning(id)
    }
}
