// The payloads of ``DomainEvent``: plain Swift values, converted to and from
// the protobuf messages of labeling_events.proto in DomainEvent+Codec.swift.

// MARK: - Dataset and labels

/// A dataset (labeling job) came into existence. Always the first event of its stream.
public struct DatasetCreated: Sendable, Equatable {
    public var datasetID: DatasetID
    public var name: String
    public var type: LabelingType
    public var labels: [LabelDefinition]
    public var description: String
    public var createdBy: String
    public var createdAt: Instant

    public init(
        datasetID: DatasetID, name: String, type: LabelingType, labels: [LabelDefinition],
        description: String, createdBy: String, createdAt: Instant
    ) {
        self.datasetID = datasetID
        self.name = name
        self.type = type
        self.labels = labels
        self.description = description
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// Labels were appended to the label set, in order.
public struct LabelsAdded: Sendable, Equatable {
    public var labels: [LabelDefinition]
    public var by: String

    public init(labels: [LabelDefinition], by: String) {
        self.labels = labels
        self.by = by
    }
}

/// A label was renamed; every sample label with the old name now has the new one.
public struct LabelRenamed: Sendable, Equatable {
    public var oldName: String
    public var newName: String
    public var by: String

    public init(oldName: String, newName: String, by: String) {
        self.oldName = oldName
        self.newName = newName
        self.by = by
    }
}

/// A label left the label set. If it was in use, it was stripped from the listed
/// samples: a labeled sample left without labels becomes unlabeled, and so does
/// a to-be-confirmed sample left without predictions.
public struct LabelDeleted: Sendable, Equatable {
    public var name: String
    public var strippedSamples: [SampleID]
    public var by: String

    public init(name: String, strippedSamples: [SampleID], by: String) {
        self.name = name
        self.strippedSamples = strippedSamples
        self.by = by
    }
}

/// The dataset was deleted: always the last event of its stream.
///
/// `decide` refuses every later command on the dataset, including creating it again under
/// the same id (``DomainError/datasetDeleted(_:by:at:)``); `evolve` drops its samples.
/// The log keeps every earlier event, so the dataset stays auditable and can still be
/// replayed as of any position before this event. Carries what was deleted (name, sample
/// count) so that an auditor reads the event without replaying the stream.
public struct DatasetDeleted: Sendable, Equatable {
    public var name: String
    /// Samples the dataset held when it was deleted.
    public var sampleCount: UInt64
    public var by: String
    public var at: Instant

    public init(name: String, sampleCount: UInt64, by: String, at: Instant) {
        self.name = name
        self.sampleCount = sampleCount
        self.by = by
        self.at = at
    }
}

// MARK: - Samples

/// One image entering a dataset.
public struct NewSample: Sendable, Equatable {
    public var id: SampleID
    public var name: String
    public var sourcePath: String
    public var width: UInt32
    public var height: UInt32
    /// 1 (grey), 3 (RGB) or 4 (RGBA).
    public var channels: UInt32
    /// Lower-case hex SHA-256 of the image bytes.
    public var contentSHA256: String
    public var usage: SampleUsage?
    /// Non-empty: the sample arrives labeled with these labels.
    public var initialLabels: [SampleLabel]
    /// Machine labels carried in by an import (each with a score and a machine annotator):
    /// when `initialLabels` is empty and these are not, the sample arrives to be confirmed.
    public var initialPredictions: [SampleLabel]
    /// A hard-example mark carried in by an import.
    public var initialHardMark: HardMark?
    /// When the imported labels were created (the manifest's `creation-time`), if known.
    public var labelsCreatedAt: Instant?

    /// The state the sample arrives in: labeled when it carries labels, else to be confirmed
    /// when it carries predictions, else unlabeled.
    public var arrivalState: SampleState {
        !initialLabels.isEmpty ? .labeled : initialPredictions.isEmpty ? .unlabeled : .toBeConfirmed
    }

    public init(
        id: SampleID, name: String, sourcePath: String, width: UInt32, height: UInt32, channels: UInt32,
        contentSHA256: String, usage: SampleUsage? = nil, initialLabels: [SampleLabel] = [],
        initialPredictions: [SampleLabel] = [], initialHardMark: HardMark? = nil, labelsCreatedAt: Instant? = nil
    ) {
        self.initialPredictions = initialPredictions
        self.initialHardMark = initialHardMark
        self.labelsCreatedAt = labelsCreatedAt
        self.id = id
        self.name = name
        self.sourcePath = sourcePath
        self.width = width
        self.height = height
        self.channels = channels
        self.contentSHA256 = contentSHA256
        self.usage = usage
        self.initialLabels = initialLabels
    }
}

/// Samples were added (unlabeled, or labeled when they came with labels).
public struct SamplesAdded: Sendable, Equatable {
    public var samples: [NewSample]
    public var by: String

    public init(samples: [NewSample], by: String) {
        self.samples = samples
        self.by = by
    }
}

/// A sample that left the dataset, with what it carried.
public struct DeletedSample: Sendable, Equatable {
    public var id: SampleID
    public var name: String
    public var previousState: SampleState
    /// Its labels (labeled) or predictions (to be confirmed).
    public var previousLabels: [SampleLabel]

    public init(id: SampleID, name: String, previousState: SampleState, previousLabels: [SampleLabel]) {
        self.id = id
        self.name = name
        self.previousState = previousState
        self.previousLabels = previousLabels
    }
}

public struct SamplesDeleted: Sendable, Equatable {
    public var samples: [DeletedSample]
    public var by: String

    public init(samples: [DeletedSample], by: String) {
        self.samples = samples
        self.by = by
    }
}

/// One sample's manual relabeling: its whole label list replaced.
public struct LabelReplacement: Sendable, Equatable {
    public var sampleID: SampleID
    public var previousState: SampleState
    /// What the sample showed before: its labels (labeled), predictions
    /// (to be confirmed) or nothing (unlabeled).
    public var previousLabels: [SampleLabel]
    /// Empty: the sample becomes unlabeled; otherwise labeled.
    public var newLabels: [SampleLabel]

    public init(sampleID: SampleID, previousState: SampleState, previousLabels: [SampleLabel], newLabels: [SampleLabel]) {
        self.sampleID = sampleID
        self.previousState = previousState
        self.previousLabels = previousLabels
        self.newLabels = newLabels
    }
}

/// A person replaced the label lists of samples (the service's PUT samples).
public struct SampleLabelsReplaced: Sendable, Equatable {
    public var samples: [LabelReplacement]
    public var by: String

    public init(samples: [LabelReplacement], by: String) {
        self.samples = samples
        self.by = by
    }
}

/// A to-be-confirmed sample accepted by a person, possibly with corrections.
public struct ConfirmedSample: Sendable, Equatable {
    public var sampleID: SampleID
    /// The labels the sample now has (may differ from the prediction).
    public var confirmedLabels: [SampleLabel]
    /// What the machine predicted.
    public var predictedLabels: [SampleLabel]

    public init(sampleID: SampleID, confirmedLabels: [SampleLabel], predictedLabels: [SampleLabel]) {
        self.sampleID = sampleID
        self.confirmedLabels = confirmedLabels
        self.predictedLabels = predictedLabels
    }
}

/// To-be-confirmed samples moved to labeled.
public struct SamplesConfirmed: Sendable, Equatable {
    public var samples: [ConfirmedSample]
    public var by: String

    public init(samples: [ConfirmedSample], by: String) {
        self.samples = samples
        self.by = by
    }
}

public struct RejectedSample: Sendable, Equatable {
    public var sampleID: SampleID
    /// The predictions the person rejected.
    public var rejectedLabels: [SampleLabel]

    public init(sampleID: SampleID, rejectedLabels: [SampleLabel]) {
        self.sampleID = sampleID
        self.rejectedLabels = rejectedLabels
    }
}

/// To-be-confirmed samples sent back to unlabeled.
public struct SamplesRejected: Sendable, Equatable {
    public var samples: [RejectedSample]
    public var by: String

    public init(samples: [RejectedSample], by: String) {
        self.samples = samples
        self.by = by
    }
}

/// A person marked samples as hard examples (replacing any previous mark).
public struct SamplesMarkedHard: Sendable, Equatable {
    public var sampleIDs: [SampleID]
    public var reasons: [HardReason]
    public var coefficient: Double
    public var by: String

    public init(sampleIDs: [SampleID], reasons: [HardReason], coefficient: Double, by: String) {
        self.sampleIDs = sampleIDs
        self.reasons = reasons
        self.coefficient = coefficient
        self.by = by
    }
}

/// A person removed the hard-example marks of samples.
public struct HardMarksCleared: Sendable, Equatable {
    public var sampleIDs: [SampleID]
    public var by: String

    public init(sampleIDs: [SampleID], by: String) {
        self.sampleIDs = sampleIDs
        self.by = by
    }
}

// MARK: - Auto-labeling tasks

/// An auto-labeling task was requested (status -1, queuing).
public struct AutoLabelTaskQueued: Sendable, Equatable {
    public static let defaultTargetAccuracy = 0.95

    public var taskID: TaskID
    public var taskType: TaskType
    public var algorithm: AutoLabelAlgorithm
    /// Pre-label tasks only.
    public var model: ModelRef?
    public var targetAccuracy: Double
    public var requestedBy: String
    public var at: Instant

    public init(
        taskID: TaskID, taskType: TaskType, algorithm: AutoLabelAlgorithm, model: ModelRef?,
        targetAccuracy: Double = AutoLabelTaskQueued.defaultTargetAccuracy, requestedBy: String, at: Instant
    ) {
        self.taskID = taskID
        self.taskType = taskType
        self.algorithm = algorithm
        self.model = model
        self.targetAccuracy = targetAccuracy
        self.requestedBy = requestedBy
        self.at = at
    }
}

/// Status 0, initializing.
public struct TaskStarted: Sendable, Equatable {
    public var taskID: TaskID
    public var at: Instant

    public init(taskID: TaskID, at: Instant) {
        self.taskID = taskID
        self.at = at
    }
}

/// Status 1, running.
public struct TaskRunning: Sendable, Equatable {
    public var taskID: TaskID
    public var at: Instant

    public init(taskID: TaskID, at: Instant) {
        self.taskID = taskID
        self.at = at
    }
}

public struct TaskProgressed: Sendable, Equatable {
    public var taskID: TaskID
    public var processed: UInt64
    public var total: UInt64
    /// In [0, 100]: the whole task's progress (``TaskPhase/taskPercent(processed:total:)``,
    /// never less than an earlier event of the task reported, below 100). Events written
    /// before that rule carry the phase's own percentage.
    public var percent: Double
    public var phase: TaskPhase
    public var at: Instant

    public init(taskID: TaskID, processed: UInt64, total: UInt64, percent: Double, phase: TaskPhase, at: Instant) {
        self.taskID = taskID
        self.processed = processed
        self.total = total
        self.percent = percent
        self.phase = phase
        self.at = at
    }
}

/// Training ended; metrics such as `accuracy`, `loss`, `temperature`.
public struct TaskTrainingFinished: Sendable, Equatable {
    public var taskID: TaskID
    public var metrics: [String: Double]
    public var at: Instant

    public init(taskID: TaskID, metrics: [String: Double], at: Instant) {
        self.taskID = taskID
        self.metrics = metrics
        self.at = at
    }
}

public struct AutoLabeledSample: Sendable, Equatable {
    public var sampleID: SampleID
    /// Machine labels, each with a score.
    public var labels: [SampleLabel]

    public init(sampleID: SampleID, labels: [SampleLabel]) {
        self.sampleID = sampleID
        self.labels = labels
    }
}

/// A task predicted labels for unlabeled samples; they are now to be confirmed.
public struct SamplesAutoLabeled: Sendable, Equatable {
    public var taskID: TaskID
    /// The pre-label model, or nil for active learning.
    public var model: ModelRef?
    public var samples: [AutoLabeledSample]

    public init(taskID: TaskID, model: ModelRef?, samples: [AutoLabeledSample]) {
        self.taskID = taskID
        self.model = model
        self.samples = samples
    }
}

public struct HardExampleFinding: Sendable, Equatable {
    public var sampleID: SampleID
    public var reasons: [HardReason]
    public var coefficient: Double

    public init(sampleID: SampleID, reasons: [HardReason], coefficient: Double) {
        self.sampleID = sampleID
        self.reasons = reasons
        self.coefficient = coefficient
    }
}

/// A task flagged samples as hard examples.
public struct HardExamplesDetected: Sendable, Equatable {
    public var taskID: TaskID
    public var samples: [HardExampleFinding]

    public init(taskID: TaskID, samples: [HardExampleFinding]) {
        self.taskID = taskID
        self.samples = samples
    }
}

/// The counts a finished task reports (the service's `result`).
///
/// Invariant: ``skippedSampleCount`` is the number of ``skippedSamples``; skipped samples are
/// part of ``totalSamples`` and never auto-labeled by the task. Events written before skipped
/// samples were recorded read back with none.
public struct TaskResultCounts: Sendable, Equatable {
    public var totalSamples: UInt64
    public var autoLabeledSamples: UInt64
    public var hardExamples: UInt64
    /// RGBA images flattened onto white instead of failing the task.
    public var flattenedRGBAImages: UInt64
    /// Samples the task could not use (an unreadable or missing image), each with its reason.
    public var skippedSamples: [SkippedSample]

    public var skippedSampleCount: UInt64 { UInt64(skippedSamples.count) }

    public init(
        totalSamples: UInt64, autoLabeledSamples: UInt64, hardExamples: UInt64, flattenedRGBAImages: UInt64,
        skippedSamples: [SkippedSample] = []
    ) {
        self.totalSamples = totalSamples
        self.autoLabeledSamples = autoLabeledSamples
        self.hardExamples = hardExamples
        self.flattenedRGBAImages = flattenedRGBAImages
        self.skippedSamples = skippedSamples
    }
}

/// A dataset's continuous mode was set: after ``newSamples`` samples were labeled or
/// confirmed by people since the last such task, the reactor queues an active-learning
/// task with ``algorithm``. `newSamples == 0` turns it off.
public struct ContinuousAutoLabelingConfigured: Sendable, Equatable {
    /// The largest threshold a dataset may set.
    public static let maximumNewSamples = 1_000_000

    public var newSamples: Int
    public var algorithm: AutoLabelAlgorithm
    public var by: String
    public var at: Instant

    public init(newSamples: Int, algorithm: AutoLabelAlgorithm, by: String, at: Instant) {
        self.newSamples = newSamples
        self.algorithm = algorithm
        self.by = by
        self.at = at
    }
}

/// A sample a task skipped, and why (e.g. the image decoder's message).
public struct SkippedSample: Sendable, Equatable {
    public var sampleID: SampleID
    public var reason: String

    public init(sampleID: SampleID, reason: String) {
        self.sampleID = sampleID
        self.reason = reason
    }
}

/// Status 3.
public struct TaskSucceeded: Sendable, Equatable {
    public var taskID: TaskID
    public var counts: TaskResultCounts
    public var at: Instant

    public init(taskID: TaskID, counts: TaskResultCounts, at: Instant) {
        self.taskID = taskID
        self.counts = counts
        self.at = at
    }
}

/// Status 2.
public struct TaskFailed: Sendable, Equatable {
    public var taskID: TaskID
    public var code: String
    public var message: String
    public var at: Instant

    public init(taskID: TaskID, code: String, message: String, at: Instant) {
        self.taskID = taskID
        self.code = code
        self.message = message
        self.at = at
    }
}

/// Status 4, stopping.
public struct TaskStopRequested: Sendable, Equatable {
    public var taskID: TaskID
    public var by: String
    public var at: Instant

    public init(taskID: TaskID, by: String, at: Instant) {
        self.taskID = taskID
        self.by = by
        self.at = at
    }
}

/// Status 5, stopped.
public struct TaskStopped: Sendable, Equatable {
    public var taskID: TaskID
    public var at: Instant

    public init(taskID: TaskID, at: Instant) {
        self.taskID = taskID
        self.at = at
    }
}

// MARK: - Model registry

/// A model became available for pre-labeling.
public struct ModelRegistered: Sendable, Equatable {
    public var model: ModelRef
    /// The labeling type the model produces; must match a dataset's to pre-label it.
    public var type: LabelingType
    /// The external command (executable then arguments).
    public var commandLine: [String]
    public var timeoutSeconds: UInt32
    public var by: String
    public var at: Instant

    public init(model: ModelRef, type: LabelingType, commandLine: [String], timeoutSeconds: UInt32, by: String, at: Instant) {
        self.model = model
        self.type = type
        self.commandLine = commandLine
        self.timeoutSeconds = timeoutSeconds
        self.by = by
        self.at = at
    }
}
