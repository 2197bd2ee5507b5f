/// A request to change a dataset, decided by `decide(_:state:models:)`.
///
/// Commands carry every id and instant they need: the domain never generates
/// a UUID or reads a clock, so deciding is pure and deterministic. `by` is the
/// acting user (or the reactor's name for task lifecycle commands).
///
/// Batch commands (samples) are decided sample by sample: a bad sample fails
/// alone with its error in ``Decision/results``, the others proceed in one event.
public enum DatasetCommand: Sendable, Equatable {
    // MARK: - Dataset and labels

    /// `typeCode` is the service's integer (0 classification, 1 detection);
    /// other values are refused with ``DomainError/unsupportedLabelingType(_:)``.
    case createDataset(
        id: DatasetID, name: String, typeCode: Int, labels: [LabelDefinition], description: String,
        by: String, at: Instant)
    case addLabels([LabelDefinition], by: String)
    case renameLabel(from: String, to: String, by: String)
    /// A label in use is refused (``DomainError/labelInUse(label:samples:)``) unless
    /// `stripFromSamples`: then it is removed from every sample carrying it, and
    /// samples left without labels (or predictions) become unlabeled.
    case deleteLabel(name: String, stripFromSamples: Bool, by: String)
    /// Deletes the dataset for good: every later command on it is refused with
    /// ``DomainError/datasetDeleted(_:by:at:)``, re-creating the same id included (an id
    /// names one history only; a new dataset may take the same *name*, names are not
    /// unique). Refused with ``DomainError/datasetHasActiveTask(task:status:)`` while an
    /// auto-labeling task is queued, initializing, running or stopping: stop it first, so
    /// that no task writes results into a deleted dataset.
    case deleteDataset(by: String, at: Instant)

    // MARK: - Samples (people)

    case addSamples([NewSample], by: String)
    case deleteSamples([SampleID], by: String)
    /// Replaces each sample's whole label list (empty: the sample becomes unlabeled).
    case updateSampleLabels([SampleLabelUpdate], by: String)
    /// To-be-confirmed samples become labeled, with their predictions or corrected labels.
    case confirmSamples([SampleConfirmation], by: String)
    /// To-be-confirmed samples go back to unlabeled.
    case rejectSamples([SampleID], by: String)
    /// Reason codes 0…30 (``HardReason``), coefficient in [0, 1]; replaces any previous mark.
    case markHard([SampleID], reasonCodes: [Int], coefficient: Double, by: String)
    case clearHard([SampleID], by: String)

    // MARK: - Auto-labeling tasks

    /// `model` is required for pre-labeling and ignored for active learning;
    /// `targetAccuracy` defaults to 0.95.
    case requestAutoLabeling(
        taskID: TaskID, type: TaskType, algorithm: AutoLabelAlgorithm, model: ModelRef?, targetAccuracy: Double?,
        by: String, at: Instant)
    /// −1 → 0.
    case startTask(TaskID, at: Instant)
    /// 0 → 1.
    case runTask(TaskID, at: Instant)
    case reportProgress(TaskID, processed: UInt64, total: UInt64, percent: Double, phase: TaskPhase, at: Instant)
    case finishTraining(TaskID, metrics: [String: Double], at: Instant)
    case recordAutoLabels(TaskID, [SamplePrediction])
    case recordHardExamples(TaskID, [HardExampleReport])
    /// 1 → 3.
    case succeedTask(TaskID, counts: TaskResultCounts, at: Instant)
    /// −1, 0, 1, 4 → 2.
    case failTask(TaskID, code: String, message: String, at: Instant)
    /// −1, 0, 1 → 4.
    case requestStop(TaskID, by: String, at: Instant)
    /// 4 → 5.
    case markStopped(TaskID, at: Instant)

    /// Continuous mode of the dataset: queue an active-learning task after `newSamples`
    /// samples were labeled or confirmed by people (`0` turns it off; at most
    /// ``ContinuousAutoLabelingConfigured/maximumNewSamples``), for classification and detection
    /// datasets alike.
    case configureContinuousAutoLabeling(newSamples: Int, algorithm: AutoLabelAlgorithm, by: String, at: Instant)
}

/// A label as a person gives it: a name, and a box for object detection.
public struct ManualLabel: Sendable, Hashable {
    public var name: String
    public var box: BoundingBox?

    public init(name: String, box: BoundingBox? = nil) {
        self.name = name
        self.box = box
    }
}

/// One sample of ``DatasetCommand/updateSampleLabels(_:by:)``.
public struct SampleLabelUpdate: Sendable, Equatable {
    public var sampleID: SampleID
    /// The sample's whole new label list.
    public var labels: [ManualLabel]

    public init(sampleID: SampleID, labels: [ManualLabel]) {
        self.sampleID = sampleID
        self.labels = labels
    }
}

/// One sample of ``DatasetCommand/confirmSamples(_:by:)``.
public struct SampleConfirmation: Sendable, Equatable {
    public var sampleID: SampleID
    /// nil: confirm the predictions as they are; otherwise the corrected,
    /// non-empty label list (validated like a manual update).
    public var correctedLabels: [ManualLabel]?

    public init(sampleID: SampleID, correctedLabels: [ManualLabel]? = nil) {
        self.sampleID = sampleID
        self.correctedLabels = correctedLabels
    }
}

/// A machine label: name, box (detection), and a score in [0, 1].
public struct PredictedLabel: Sendable, Hashable {
    public var name: String
    public var box: BoundingBox?
    public var score: Double

    public init(name: String, box: BoundingBox? = nil, score: Double) {
        self.name = name
        self.box = box
        self.score = score
    }
}

/// One sample of ``DatasetCommand/recordAutoLabels(_:_:)``.
public struct SamplePrediction: Sendable, Equatable {
    public var sampleID: SampleID
    /// Non-empty.
    public var labels: [PredictedLabel]

    public init(sampleID: SampleID, labels: [PredictedLabel]) {
        self.sampleID = sampleID
        self.labels = labels
    }
}

/// One sample of ``DatasetCommand/recordHardExamples(_:_:)``.
public struct HardExampleReport: Sendable, Equatable {
    public var sampleID: SampleID
    /// Codes 0…30, at least one.
    public var reasonCodes: [Int]
    /// In [0, 1].
    public var coefficient: Double

    public init(sampleID: SampleID, reasonCodes: [Int], coefficient: Double) {
        self.sampleID = sampleID
        self.reasonCodes = reasonCodes
        self.coefficient = coefficient
    }
}
