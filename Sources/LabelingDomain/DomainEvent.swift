/// A fact of the labeling domain, as appended to the event log.
///
/// Events are immutable facts: `evolve` applies any of them without throwing,
/// and every one has a stable type name (``typeName``) and a schema version
/// (``schemaVersion``) under which its protobuf payload is stored (see
/// `DomainEvent+Codec.swift`). Payloads are plain Swift values; the generated
/// protobuf types never leak out of the codec.
///
/// Per-sample events are batches: one event holds every sample a command
/// changed, and carries enough "before" data (previous labels, predictions)
/// for an auditor to read the change without replaying other events.
public enum DomainEvent: Sendable, Equatable {
    // MARK: - Dataset and labels
    case datasetCreated(DatasetCreated)
    case labelsAdded(LabelsAdded)
    case labelRenamed(LabelRenamed)
    case labelDeleted(LabelDeleted)
    /// The last event of a dataset's stream (see ``DatasetDeleted``).
    case datasetDeleted(DatasetDeleted)

    // MARK: - Samples (people)
    case samplesAdded(SamplesAdded)
    case samplesDeleted(SamplesDeleted)
    case sampleLabelsReplaced(SampleLabelsReplaced)
    case samplesConfirmed(SamplesConfirmed)
    case samplesRejected(SamplesRejected)
    case samplesMarkedHard(SamplesMarkedHard)
    case hardMarksCleared(HardMarksCleared)

    // MARK: - Auto-labeling tasks
    case autoLabelTaskQueued(AutoLabelTaskQueued)
    case taskStarted(TaskStarted)
    case taskRunning(TaskRunning)
    case taskProgressed(TaskProgressed)
    case taskTrainingFinished(TaskTrainingFinished)
    case samplesAutoLabeled(SamplesAutoLabeled)
    case hardExamplesDetected(HardExamplesDetected)
    case taskSucceeded(TaskSucceeded)
    case taskFailed(TaskFailed)
    case taskStopRequested(TaskStopRequested)
    case taskStopped(TaskStopped)
    case continuousAutoLabelingConfigured(ContinuousAutoLabelingConfigured)

    // MARK: - Model registry
    case modelRegistered(ModelRegistered)

    /// The stable type name stored in the log envelope, e.g. `"SamplesAdded"`.
    /// Never change one: old logs are read by it.
    public var typeName: String {
        switch self {
        case .datasetCreated: "DatasetCreated"
        case .labelsAdded: "LabelsAdded"
        case .labelRenamed: "LabelRenamed"
        case .labelDeleted: "LabelDeleted"
        case .datasetDeleted: "DatasetDeleted"
        case .samplesAdded: "SamplesAdded"
        case .samplesDeleted: "SamplesDeleted"
        case .sampleLabelsReplaced: "SampleLabelsReplaced"
        case .samplesConfirmed: "SamplesConfirmed"
        case .samplesRejected: "SamplesRejected"
        case .samplesMarkedHard: "SamplesMarkedHard"
        case .hardMarksCleared: "HardMarksCleared"
        case .autoLabelTaskQueued: "AutoLabelTaskQueued"
        case .taskStarted: "TaskStarted"
        case .taskRunning: "TaskRunning"
        case .taskProgressed: "TaskProgressed"
        case .taskTrainingFinished: "TaskTrainingFinished"
        case .samplesAutoLabeled: "SamplesAutoLabeled"
        case .hardExamplesDetected: "HardExamplesDetected"
        case .taskSucceeded: "TaskSucceeded"
        case .taskFailed: "TaskFailed"
        case .taskStopRequested: "TaskStopRequested"
        case .taskStopped: "TaskStopped"
        case .continuousAutoLabelingConfigured: "ContinuousAutoLabelingConfigured"
        case .modelRegistered: "ModelRegistered"
        }
    }

    /// Every type name the domain reads, with the schema version it writes.
    public static let currentSchemaVersions: [String: UInt32] = [
        "DatasetCreated": 1, "LabelsAdded": 1, "LabelRenamed": 1, "LabelDeleted": 1, "DatasetDeleted": 1,
        "SamplesAdded": 1, "SamplesDeleted": 1, "SampleLabelsReplaced": 1, "SamplesConfirmed": 1,
        "SamplesRejected": 1, "SamplesMarkedHard": 1, "HardMarksCleared": 1,
        "AutoLabelTaskQueued": 2, "TaskStarted": 1, "TaskRunning": 1, "TaskProgressed": 1,
        "TaskTrainingFinished": 1, "SamplesAutoLabeled": 1, "HardExamplesDetected": 1,
        "TaskSucceeded": 1, "TaskFailed": 1, "TaskStopRequested": 1, "TaskStopped": 1,
        "ModelRegistered": 1, "ContinuousAutoLabelingConfigured": 1,
    ]

    /// The schema version this build writes for the event's type.
    public var schemaVersion: UInt32 { Self.currentSchemaVersions[typeName]! }

    /// The task the event is about, for task events.
    public var taskID: TaskID? {
        switch self {
        case .autoLabelTaskQueued(let e): e.taskID
        case .taskStarted(let e): e.taskID
        case .taskRunning(let e): e.taskID
        case .taskProgressed(let e): e.taskID
        case .taskTrainingFinished(let e): e.taskID
        case .samplesAutoLabeled(let e): e.taskID
        case .hardExamplesDetected(let e): e.taskID
        case .taskSucceeded(let e): e.taskID
        case .taskFailed(let e): e.taskID
        case .taskStopRequested(let e): e.taskID
        case .taskStopped(let e): e.taskID
        default: nil
        }
    }
}
