import Foundation

/// Every refusal of the labeling domain: one typed error, each case with a
/// stable ``code``, a human ``message`` naming the rule and the offending
/// sample/label, and a suggested ``httpStatus``.
///
/// Codes are the service's (`ModelArts.4405`, …) where it has one, otherwise
/// `LabelLedger.NNNN`. A code is never reused or renumbered: clients and
/// stored per-sample results depend on it.
///
/// | Code | Case | HTTP |
/// |---|---|---|
/// | LabelLedger.1001 | invalidDatasetName | 400 |
/// | LabelLedger.1002 | unsupportedLabelingType | 400 |
/// | LabelLedger.1003 | datasetAlreadyExists | 409 |
/// | LabelLedger.1004 | datasetNotFound | 404 |
/// | LabelLedger.1005 | invalidLabelName | 400 |
/// | LabelLedger.1006 | invalidLabelColor | 400 |
/// | LabelLedger.1007 | duplicateLabel | 409 |
/// | LabelLedger.1008 | labelNotFound | 404 |
/// | LabelLedger.1009 | labelInUse | 409 |
/// | LabelLedger.1010 | emptyBatch | 400 |
/// | LabelLedger.1011 | duplicateSampleInBatch | 400 |
/// | LabelLedger.1012 | sampleNotFound | 404 |
/// | LabelLedger.1013 | sampleAlreadyExists | 409 |
/// | LabelLedger.1014 | duplicateSampleName | 409 |
/// | LabelLedger.1015 | invalidSampleName | 400 |
/// | LabelLedger.1016 | invalidImageSize | 400 |
/// | LabelLedger.1017 | invalidContentHash | 400 |
/// | LabelLedger.1018 | unknownLabelOnSample | 422 |
/// | LabelLedger.1019 | boxNotAllowed | 422 |
/// | LabelLedger.1020 | boxRequired | 422 |
/// | LabelLedger.1021 | invalidBox | 422 |
/// | LabelLedger.1022 | invalidScore | 422 |
/// | LabelLedger.1023 | sampleNotToBeConfirmed | 409 |
/// | LabelLedger.1024 | invalidHardCoefficient | 400 |
/// | LabelLedger.1025 | invalidHardReason | 400 |
/// | LabelLedger.1026 | missingHardReason | 400 |
/// | LabelLedger.1027 | taskNotFound | 404 |
/// | LabelLedger.1028 | taskAlreadyExists | 409 |
/// | LabelLedger.1029 | invalidTaskTransition | 409 |
/// | LabelLedger.1030 | taskNotRunning | 409 |
/// | LabelLedger.1031 | sampleNotUnlabeled | 409 |
/// | LabelLedger.1032 | sampleAlreadyAutoLabeledByTask | 409 |
/// | LabelLedger.1033 | invalidTargetAccuracy | 400 |
/// | LabelLedger.1034 | invalidProgress | 400 |
/// | LabelLedger.1035 | modelNotFound | 404 |
/// | LabelLedger.1036 | modelAlreadyRegistered | 409 |
/// | LabelLedger.1037 | invalidModel | 400 |
/// | LabelLedger.1038 | unknownEventType | 422 |
/// | LabelLedger.1039 | unsupportedSchemaVersion | 422 |
/// | LabelLedger.1040 | malformedPayload | 422 |
/// | LabelLedger.1041 | snapshotFormatMismatch | 412 |
/// | LabelLedger.1042 | malformedSnapshot | 422 |
/// | LabelLedger.1043 | invalidLabelSet | 422 |
/// | LabelLedger.1044 | invalidActor | 400 |
/// | LabelLedger.1045 | invalidIdentifier | 400 |
/// | LabelLedger.1046 | datasetDeleted | 404 |
/// | LabelLedger.1047 | datasetHasActiveTask | 409 |
/// | LabelLedger.1048 | invalidContinuousThreshold | 400 |
/// | LabelLedger.1160 | descriptionTooLong | 400 |
/// | LabelLedger.1161 | tooManyLabels | 400 |
/// | LabelLedger.1162 | imageTooLarge | 400 |
/// | LabelLedger.1250 | invalidMetric | 400 |
/// | ModelArts.4386 | autoLabelTaskInProgress | 409 |
/// | ModelArts.4387 | preLabelTaskInProgress | 409 |
/// | ModelArts.4399 | modelTypeMismatch | 400 |
/// | ModelArts.4405 | tooFewLabelsForActiveLearning | 400 |
/// | ModelArts.4406 | labelHasTooFewSamples | 400 |
/// | ModelArts.4407 | noUnlabeledSample | 400 |
///
/// Retired codes, never reused: `ModelArts.4408` (active learning and continuous mode refused on
/// detection datasets until the built-in detector, issue 24).
public enum DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: - Dataset
    /// The name is not 1–100 characters of `[A-Za-z0-9_-]`.
    case invalidDatasetName(String)
    /// A labeling type code other than 0 (classification) or 1 (detection).
    case unsupportedLabelingType(Int)
    case datasetAlreadyExists(DatasetID)
    case datasetNotFound
    /// Any command on a deleted dataset, creating its id again included.
    case datasetDeleted(DatasetID, by: String, at: Instant)
    /// A dataset description longer than ``DatasetRules/maximumDescriptionLength`` characters.
    case descriptionTooLong(utf8Bytes: Int)
    /// Deleting a dataset while one of its auto-labeling tasks is queued, initializing,
    /// running or stopping.
    case datasetHasActiveTask(task: TaskID, status: TaskStatus)

    // MARK: - Labels
    case invalidLabelName(String)
    case invalidLabelColor(label: String, color: String)
    case duplicateLabel(String)
    case labelNotFound(String)
    /// Deleting a label still on samples, without asking to strip it.
    case labelInUse(label: String, samples: Int)
    /// A label set that would grow past ``DatasetRules/maximumLabelCount`` labels.
    case tooManyLabels(count: Int)

    // MARK: - Samples
    case emptyBatch
    case duplicateSampleInBatch(SampleID)
    case sampleNotFound(SampleID)
    case sampleAlreadyExists(SampleID)
    case duplicateSampleName(sample: SampleID, name: String)
    case invalidSampleName(sample: SampleID, name: String)
    case invalidImageSize(sample: SampleID, width: UInt32, height: UInt32, channels: UInt32)
    /// An image of more than ``ImageLimits/maximumPixels`` pixels.
    case imageTooLarge(sample: SampleID, width: UInt32, height: UInt32)
    case invalidContentHash(sample: SampleID, hash: String)
    case unknownLabelOnSample(sample: SampleID, label: String)
    /// A box on an image-classification label.
    case boxNotAllowed(sample: SampleID, label: String)
    /// An object-detection label without a box.
    case boxRequired(sample: SampleID, label: String)
    /// Empty, inverted or outside the image.
    case invalidBox(sample: SampleID, label: String, box: BoundingBox, width: UInt32, height: UInt32)
    case invalidScore(sample: SampleID, label: String, score: Double?)
    case sampleNotToBeConfirmed(sample: SampleID, state: SampleState)
    /// The same label (name and box) twice on one sample.
    case invalidLabelSet(sample: SampleID, reason: String)

    // MARK: - Hard examples
    case invalidHardCoefficient(Double)
    case invalidHardReason(Int)
    case missingHardReason

    // MARK: - Tasks
    case taskNotFound(TaskID)
    case taskAlreadyExists(TaskID)
    case invalidTaskTransition(task: TaskID, from: TaskStatus, to: TaskStatus)
    /// Results (progress, metrics, labels, hard examples) from a task that is not running.
    case taskNotRunning(task: TaskID, status: TaskStatus)
    /// Auto labels for a sample that is no longer unlabeled (a person labeled it meanwhile).
    case sampleNotUnlabeled(sample: SampleID, state: SampleState)
    case sampleAlreadyAutoLabeledByTask(sample: SampleID, task: TaskID)
    case invalidTargetAccuracy(Double)
    /// A continuous-mode threshold outside 0…``ContinuousAutoLabelingConfigured/maximumNewSamples``.
    case invalidContinuousThreshold(Int)
    case invalidProgress(processed: UInt64, total: UInt64, percent: Double)
    /// A training metric that is NaN: it could not be written to JSON nor compared, and an
    /// event holding one would not decode (``malformedPayload(type:reason:)``).
    case invalidMetric(name: String)
    case autoLabelTaskInProgress(TaskID)
    case preLabelTaskInProgress(TaskID)
    case modelTypeMismatch(model: ModelRef, modelType: LabelingType, datasetType: LabelingType)
    case tooFewLabelsForActiveLearning(count: Int)
    case labelHasTooFewSamples(label: String, count: Int)
    case noUnlabeledSample

    // MARK: - Model registry
    case modelNotFound(ModelRef)
    case modelAlreadyRegistered(ModelRef)
    case invalidModel(reason: String)

    // MARK: - Actors and ids
    case invalidActor(String)
    case invalidIdentifier(kind: String, value: String)

    // MARK: - Codec
    case unknownEventType(String)
    case unsupportedSchemaVersion(type: String, version: UInt32)
    case malformedPayload(type: String, reason: String)
    /// A snapshot written by another state format: ignore it and replay.
    case snapshotFormatMismatch(found: UInt32, expected: UInt32)
    case malformedSnapshot(String)

    /// The stable code, e.g. `"ModelArts.4405"` or `"LabelLedger.1023"`.
    public var code: String {
        switch self {
        case .invalidDatasetName: "LabelLedger.1001"
        case .unsupportedLabelingType: "LabelLedger.1002"
        case .datasetAlreadyExists: "LabelLedger.1003"
        case .datasetNotFound: "LabelLedger.1004"
        case .invalidLabelName: "LabelLedger.1005"
        case .invalidLabelColor: "LabelLedger.1006"
        case .duplicateLabel: "LabelLedger.1007"
        case .labelNotFound: "LabelLedger.1008"
        case .labelInUse: "LabelLedger.1009"
        case .emptyBatch: "LabelLedger.1010"
        case .duplicateSampleInBatch: "LabelLedger.1011"
        case .sampleNotFound: "LabelLedger.1012"
        case .sampleAlreadyExists: "LabelLedger.1013"
        case .duplicateSampleName: "LabelLedger.1014"
        case .invalidSampleName: "LabelLedger.1015"
        case .invalidImageSize: "LabelLedger.1016"
        case .invalidContentHash: "LabelLedger.1017"
        case .unknownLabelOnSample: "LabelLedger.1018"
        case .boxNotAllowed: "LabelLedger.1019"
        case .boxRequired: "LabelLedger.1020"
        case .invalidBox: "LabelLedger.1021"
        case .invalidScore: "LabelLedger.1022"
        case .sampleNotToBeConfirmed: "LabelLedger.1023"
        case .invalidHardCoefficient: "LabelLedger.1024"
        case .invalidHardReason: "LabelLedger.1025"
        case .missingHardReason: "LabelLedger.1026"
        case .taskNotFound: "LabelLedger.1027"
        case .taskAlreadyExists: "LabelLedger.1028"
        case .invalidTaskTransition: "LabelLedger.1029"
        case .taskNotRunning: "LabelLedger.1030"
        case .sampleNotUnlabeled: "LabelLedger.1031"
        case .sampleAlreadyAutoLabeledByTask: "LabelLedger.1032"
        case .invalidTargetAccuracy: "LabelLedger.1033"
        case .invalidProgress: "LabelLedger.1034"
        case .modelNotFound: "LabelLedger.1035"
        case .modelAlreadyRegistered: "LabelLedger.1036"
        case .invalidModel: "LabelLedger.1037"
        case .unknownEventType: "LabelLedger.1038"
        case .unsupportedSchemaVersion: "LabelLedger.1039"
        case .malformedPayload: "LabelLedger.1040"
        case .snapshotFormatMismatch: "LabelLedger.1041"
        case .malformedSnapshot: "LabelLedger.1042"
        case .invalidLabelSet: "LabelLedger.1043"
        case .invalidActor: "LabelLedger.1044"
        case .invalidIdentifier: "LabelLedger.1045"
        case .invalidContinuousThreshold: "LabelLedger.1048"
        case .descriptionTooLong: "LabelLedger.1160"
        case .tooManyLabels: "LabelLedger.1161"
        case .imageTooLarge: "LabelLedger.1162"
        case .invalidMetric: "LabelLedger.1250"
        case .datasetDeleted: "LabelLedger.1046"
        case .datasetHasActiveTask: "LabelLedger.1047"
        case .autoLabelTaskInProgress: "ModelArts.4386"
        case .preLabelTaskInProgress: "ModelArts.4387"
        case .modelTypeMismatch: "ModelArts.4399"
        case .tooFewLabelsForActiveLearning: "ModelArts.4405"
        case .labelHasTooFewSamples: "ModelArts.4406"
        case .noUnlabeledSample: "ModelArts.4407"
        }
    }

    /// The HTTP status an API should answer with.
    public var httpStatus: Int {
        switch self {
        case .datasetNotFound, .datasetDeleted, .labelNotFound, .sampleNotFound, .taskNotFound, .modelNotFound:
            404
        case .datasetAlreadyExists, .duplicateLabel, .labelInUse, .sampleAlreadyExists, .duplicateSampleName,
            .sampleNotToBeConfirmed, .taskAlreadyExists, .invalidTaskTransition, .taskNotRunning,
            .sampleNotUnlabeled, .sampleAlreadyAutoLabeledByTask, .modelAlreadyRegistered,
            .autoLabelTaskInProgress, .preLabelTaskInProgress, .datasetHasActiveTask:
            409
        case .snapshotFormatMismatch:
            412
        case .unknownLabelOnSample, .boxNotAllowed, .boxRequired, .invalidBox, .invalidScore, .invalidLabelSet,
            .unknownEventType, .unsupportedSchemaVersion, .malformedPayload, .malformedSnapshot:
            422
        case .invalidDatasetName, .unsupportedLabelingType, .invalidLabelName, .invalidLabelColor, .emptyBatch,
            .duplicateSampleInBatch, .invalidSampleName, .invalidImageSize, .invalidContentHash,
            .invalidHardCoefficient, .invalidHardReason, .missingHardReason, .invalidTargetAccuracy,
            .invalidProgress, .modelTypeMismatch, .tooFewLabelsForActiveLearning, .labelHasTooFewSamples,
            .noUnlabeledSample, .invalidModel, .invalidActor,
            .invalidIdentifier, .invalidContinuousThreshold, .descriptionTooLong, .tooManyLabels, .imageTooLarge,
            .invalidMetric:
            400
        }
    }

    /// What went wrong, naming the rule and the offending item.
    public var message: String {
        switch self {
        case .invalidDatasetName(let name):
            "dataset name '\(name)' must be 1–100 characters of A–Z, a–z, 0–9, '_' or '-'"
        case .unsupportedLabelingType(let code):
            "labeling type \(code) is not supported: only 0 (image classification) and 1 (object detection)"
        case .datasetAlreadyExists(let id):
            "dataset '\(id)' already exists"
        case .datasetNotFound:
            "the dataset does not exist"
        case .datasetDeleted(let id, let by, let at):
            "dataset '\(id)' was deleted by \(by) at \(ISO8601DateFormatter().string(from: at.date)): a deleted dataset accepts no command and its id is not reused (its history stays in the log)"
        case .datasetHasActiveTask(let task, let status):
            "the dataset cannot be deleted while its auto-labeling task '\(task)' is \(status) (\(status.rawValue)): stop the task and delete the dataset once it has stopped"
        case .invalidLabelName(let name):
            "label name '\(name)' must be 1–\(LabelDefinition.maximumNameLength) characters, without control characters or surrounding spaces"
        case .invalidLabelColor(let label, let color):
            "label '\(label)': colour '\(color)' is not #RRGGBB"
        case .duplicateLabel(let name):
            "label '\(name)' already exists in the label set (or twice in the request)"
        case .labelNotFound(let name):
            "label '\(name)' is not in the label set"
        case .tooManyLabels(let count):
            "a dataset has at most \(DatasetRules.maximumLabelCount) labels; this would make \(count)"
        case .descriptionTooLong(let bytes):
            "the description is longer than \(DatasetRules.maximumDescriptionLength) characters (\(bytes) bytes of UTF-8), the most accepted"
        case .labelInUse(let label, let samples):
            "label '\(label)' is used on \(samples) sample(s); delete with strip to remove it from them"
        case .emptyBatch:
            "the request is empty: it names no sample or label"
        case .duplicateSampleInBatch(let id):
            "sample '\(id)' appears more than once in the request"
        case .sampleNotFound(let id):
            "sample '\(id)' does not exist"
        case .sampleAlreadyExists(let id):
            "sample '\(id)' already exists"
        case .duplicateSampleName(let id, let name):
            "sample '\(id)': another sample is already named '\(name)'"
        case .invalidSampleName(let id, let name):
            "sample '\(id)': name '\(name)' must be 1–1024 characters without control characters"
        case .invalidImageSize(let id, let width, let height, let channels):
            "sample '\(id)': image size \(width)×\(height)×\(channels) is invalid (width and height ≥ 1, channels 1, 3 or 4)"
        case .imageTooLarge(let id, let width, let height):
            "sample '\(id)': image \(width)×\(height) has more than \(ImageLimits.maximumPixels) pixels (the largest image accepted)"
        case .invalidContentHash(let id, let hash):
            "sample '\(id)': content hash '\(hash)' is not 64 lower-case hex digits (SHA-256)"
        case .unknownLabelOnSample(let id, let label):
            "sample '\(id)': label '\(label)' is not in the label set"
        case .boxNotAllowed(let id, let label):
            "sample '\(id)': label '\(label)' has a box, but image classification labels have none"
        case .boxRequired(let id, let label):
            "sample '\(id)': label '\(label)' needs a bounding box in an object detection dataset"
        case .invalidBox(let id, let label, let box, let width, let height):
            "sample '\(id)': box \(box) of label '\(label)' must have x1<x2, y1<y2 and lie inside the \(width)×\(height) image"
        case .invalidScore(let id, let label, let score):
            if let score {
                "sample '\(id)': score \(score) of label '\(label)' is outside [0, 1]"
            } else {
                "sample '\(id)': machine label '\(label)' needs a score in [0, 1]"
            }
        case .sampleNotToBeConfirmed(let id, let state):
            "sample '\(id)' is \(state): only to-be-confirmed samples can be confirmed or rejected"
        case .invalidLabelSet(let id, let reason):
            "sample '\(id)': \(reason)"
        case .invalidHardCoefficient(let value):
            "hard coefficient \(value) is outside [0, 1]"
        case .invalidHardReason(let code):
            "hard-example reason \(code) is not a reason code (0…30)"
        case .missingHardReason:
            "a hard-example mark needs at least one reason"
        case .taskNotFound(let id):
            "task '\(id)' does not exist in this dataset"
        case .taskAlreadyExists(let id):
            "task '\(id)' already exists"
        case .invalidTaskTransition(let task, let from, let to):
            "task '\(task)' cannot go from \(from) (\(from.rawValue)) to \(to) (\(to.rawValue))"
        case .taskNotRunning(let task, let status):
            "task '\(task)' is \(status): results are accepted only while it runs"
        case .sampleNotUnlabeled(let id, let state):
            "sample '\(id)' is \(state): only unlabeled samples are auto-labeled (skipped)"
        case .sampleAlreadyAutoLabeledByTask(let id, let task):
            "sample '\(id)' was already auto-labeled by task '\(task)'"
        case .invalidTargetAccuracy(let value):
            "target accuracy \(value) must be in (0, 1]"
        case .invalidMetric(let name):
            "metric '\(name)' is NaN: a task's metrics are numbers"
        case .invalidProgress(let processed, let total, let percent):
            "progress \(processed)/\(total) (\(percent)%) is inconsistent: processed ≤ total and percent in [0, 100]"
        case .autoLabelTaskInProgress(let id):
            "an auto-label task ('\(id)') of this dataset is already queued or running"
        case .preLabelTaskInProgress(let id):
            "a pre-label task ('\(id)') of this dataset is already queued or running"
        case .modelTypeMismatch(let model, let modelType, let datasetType):
            "model \(model) produces \(modelType) labels, but the dataset is \(datasetType)"
        case .tooFewLabelsForActiveLearning(let count):
            "active learning needs at least 2 labels, the dataset has \(count)"
        case .labelHasTooFewSamples(let label, let count):
            "active learning needs each label on at least 5 labeled samples; '\(label)' is on \(count)"
        case .noUnlabeledSample:
            "auto labeling needs at least one unlabeled sample"
        case .modelNotFound(let model):
            "model \(model) is not registered"
        case .modelAlreadyRegistered(let model):
            "model \(model) is already registered"
        case .invalidModel(let reason):
            "invalid model: \(reason)"
        case .invalidActor(let actor):
            "actor '\(actor)' must be a non-empty name"
        case .invalidContinuousThreshold(let value):
            "continuous auto labeling needs 0 (off) to \(ContinuousAutoLabelingConfigured.maximumNewSamples) new samples, got \(value)"
        case .invalidIdentifier(let kind, let value):
            "\(kind) id '\(value)' must be 1–128 characters without spaces or control characters"
        case .unknownEventType(let type):
            "unknown event type '\(type)'"
        case .unsupportedSchemaVersion(let type, let version):
            "event type '\(type)' has no schema version \(version)"
        case .malformedPayload(let type, let reason):
            "payload of '\(type)' cannot be read: \(reason)"
        case .snapshotFormatMismatch(let found, let expected):
            "snapshot has state format \(found), this build reads \(expected): replay the stream instead"
        case .malformedSnapshot(let reason):
            "snapshot cannot be read: \(reason)"
        }
    }

    public var description: String { "\(code): \(message)" }
}
