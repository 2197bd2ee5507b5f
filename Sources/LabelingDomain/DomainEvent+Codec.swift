import Foundation
import SwiftProtobuf

// MARK: - Encoding

extension DomainEvent {
    /// The event as stored in the log: its type name, the schema version this
    /// build writes, and the protobuf payload (labeling_events.proto).
    ///
    /// Encoding is deterministic: equal events give equal bytes.
    ///
    /// ```swift
    /// let (type, version, payload) = event.encode()
    /// let back = try DomainEvent.decode(type: type, schemaVersion: version, payload: payload)
    /// assert(back == event)
    /// ```
    public func encode() -> (type: String, schemaVersion: UInt32, payload: Data) {
        (typeName, schemaVersion, payloadMessage.deterministicBytes())
    }

    var payloadMessage: any SwiftProtobuf.Message {
        switch self {
        case .datasetCreated(let e):
            var p = Labelledger_Domain_DatasetCreated()
            p.datasetID = e.datasetID.rawValue
            p.name = e.name
            p.type = e.type.proto
            p.labels = e.labels.map(\.proto)
            p.description_p = e.description
            p.createdBy = e.createdBy
            p.createdAtMicros = e.createdAt.micros
            return p
        case .labelsAdded(let e):
            var p = Labelledger_Domain_LabelsAdded()
            p.labels = e.labels.map(\.proto)
            p.by = e.by
            return p
        case .labelRenamed(let e):
            var p = Labelledger_Domain_LabelRenamed()
            p.oldName = e.oldName
            p.newName = e.newName
            p.by = e.by
            return p
        case .labelDeleted(let e):
            var p = Labelledger_Domain_LabelDeleted()
            p.name = e.name
            p.strippedSampleIds = e.strippedSamples.rawValues
            p.by = e.by
            return p
        case .datasetDeleted(let e):
            return e.proto
        case .samplesAdded(let e):
            var p = Labelledger_Domain_SamplesAdded()
            p.samples = e.samples.map { s in
                var n = Labelledger_Domain_NewSampleProto()
                n.sampleID = s.id.rawValue
                n.name = s.name
                n.sourcePath = s.sourcePath
                n.width = s.width
                n.height = s.height
                n.channels = s.channels
                n.contentSha256 = s.contentSHA256
                n.usage = SampleUsage.proto(s.usage)
                n.initialLabels = s.initialLabels.proto
                n.initialPredictions = s.initialPredictions.proto
                if let mark = s.initialHardMark { n.initialHardMark = mark.proto }
                n.labelsCreatedAtMicros = s.labelsCreatedAt?.microsecondsSince1970 ?? 0
                return n
            }
            p.by = e.by
            return p
        case .samplesDeleted(let e):
            var p = Labelledger_Domain_SamplesDeleted()
            p.samples = e.samples.map { s in
                var d = Labelledger_Domain_DeletedSampleProto()
                d.sampleID = s.id.rawValue
                d.name = s.name
                d.previousState = s.previousState.proto
                d.previousLabels = s.previousLabels.proto
                return d
            }
            p.by = e.by
            return p
        case .sampleLabelsReplaced(let e):
            var p = Labelledger_Domain_SampleLabelsReplaced()
            p.samples = e.samples.map { s in
                var r = Labelledger_Domain_LabelReplacementProto()
                r.sampleID = s.sampleID.rawValue
                r.previousState = s.previousState.proto
                r.previousLabels = s.previousLabels.proto
                r.newLabels = s.newLabels.proto
                return r
            }
            p.by = e.by
            return p
        case .samplesConfirmed(let e):
            var p = Labelledger_Domain_SamplesConfirmed()
            p.samples = e.samples.map { s in
                var c = Labelledger_Domain_ConfirmedSampleProto()
                c.sampleID = s.sampleID.rawValue
                c.confirmedLabels = s.confirmedLabels.proto
                c.predictedLabels = s.predictedLabels.proto
                return c
            }
            p.by = e.by
            return p
        case .samplesRejected(let e):
            var p = Labelledger_Domain_SamplesRejected()
            p.samples = e.samples.map { s in
                var r = Labelledger_Domain_RejectedSampleProto()
                r.sampleID = s.sampleID.rawValue
                r.rejectedLabels = s.rejectedLabels.proto
                return r
            }
            p.by = e.by
            return p
        case .samplesMarkedHard(let e):
            var p = Labelledger_Domain_SamplesMarkedHard()
            p.sampleIds = e.sampleIDs.rawValues
            p.reasons = e.reasons.codes
            p.coefficient = e.coefficient
            p.by = e.by
            return p
        case .hardMarksCleared(let e):
            var p = Labelledger_Domain_HardMarksCleared()
            p.sampleIds = e.sampleIDs.rawValues
            p.by = e.by
            return p
        case .autoLabelTaskQueued(let e):
            var p = Labelledger_Domain_AutoLabelTaskQueued()
            p.taskID = e.taskID.rawValue
            p.taskType = e.taskType.proto
            p.algorithm = e.algorithm.proto
            if let model = e.model { p.model = model.proto }
            p.targetAccuracy = e.targetAccuracy
            p.requestedBy = e.requestedBy
            p.atMicros = e.at.micros
            return p
        case .taskStarted(let e):
            var p = Labelledger_Domain_TaskStarted()
            p.taskID = e.taskID.rawValue
            p.atMicros = e.at.micros
            return p
        case .taskRunning(let e):
            var p = Labelledger_Domain_TaskRunning()
            p.taskID = e.taskID.rawValue
            p.atMicros = e.at.micros
            return p
        case .taskProgressed(let e):
            var p = Labelledger_Domain_TaskProgressed()
            p.taskID = e.taskID.rawValue
            p.processed = e.processed
            p.total = e.total
            p.percent = e.percent
            p.phase = e.phase.proto
            p.atMicros = e.at.micros
            return p
        case .taskTrainingFinished(let e):
            var p = Labelledger_Domain_TaskTrainingFinished()
            p.taskID = e.taskID.rawValue
            p.metrics = e.metrics
            p.atMicros = e.at.micros
            return p
        case .samplesAutoLabeled(let e):
            var p = Labelledger_Domain_SamplesAutoLabeled()
            p.taskID = e.taskID.rawValue
            if let model = e.model { p.model = model.proto }
            p.samples = e.samples.map { s in
                var a = Labelledger_Domain_AutoLabeledSampleProto()
                a.sampleID = s.sampleID.rawValue
                a.labels = s.labels.proto
                return a
            }
            return p
        case .hardExamplesDetected(let e):
            var p = Labelledger_Domain_HardExamplesDetected()
            p.taskID = e.taskID.rawValue
            p.samples = e.samples.map { s in
                var h = Labelledger_Domain_HardExampleProto()
                h.sampleID = s.sampleID.rawValue
                h.reasons = s.reasons.codes
                h.coefficient = s.coefficient
                return h
            }
            return p
        case .taskSucceeded(let e):
            return e.proto
        case .taskFailed(let e):
            var p = Labelledger_Domain_TaskFailed()
            p.taskID = e.taskID.rawValue
            p.code = e.code
            p.message = e.message
            p.atMicros = e.at.micros
            return p
        case .taskStopRequested(let e):
            var p = Labelledger_Domain_TaskStopRequested()
            p.taskID = e.taskID.rawValue
            p.by = e.by
            p.atMicros = e.at.micros
            return p
        case .taskStopped(let e):
            var p = Labelledger_Domain_TaskStopped()
            p.taskID = e.taskID.rawValue
            p.atMicros = e.at.micros
            return p
        case .continuousAutoLabelingConfigured(let e):
            return e.proto
        case .modelRegistered(let e):
            var p = Labelledger_Domain_ModelRegistered()
            p.model = e.model.proto
            p.type = e.type.proto
            p.commandLine = e.commandLine
            p.timeoutSeconds = e.timeoutSeconds
            p.by = e.by
            p.atMicros = e.at.micros
            return p
        }
    }
}

extension DatasetDeleted {
    var proto: Labelledger_Domain_DatasetDeleted {
        var p = Labelledger_Domain_DatasetDeleted()
        p.name = name
        p.sampleCount = sampleCount
        p.by = by
        p.atMicros = at.micros
        return p
    }

    init(_ p: Labelledger_Domain_DatasetDeleted) {
        self.init(name: p.name, sampleCount: p.sampleCount, by: p.by, at: Instant(micros: p.atMicros))
    }
}

extension TaskSucceeded {
    var proto: Labelledger_Domain_TaskSucceeded {
        var p = Labelledger_Domain_TaskSucceeded()
        p.taskID = taskID.rawValue
        p.totalSamples = counts.totalSamples
        p.autoLabeledSamples = counts.autoLabeledSamples
        p.hardExamples = counts.hardExamples
        p.flattenedRgbaImages = counts.flattenedRGBAImages
        p.atMicros = at.micros
        p.skippedSamples = counts.skippedSamples.map { skipped in
            var item = Labelledger_Domain_SkippedSampleProto()
            item.sampleID = skipped.sampleID.rawValue
            item.reason = skipped.reason
            return item
        }
        return p
    }

    init(_ p: Labelledger_Domain_TaskSucceeded) {
        self.init(
            taskID: TaskID(p.taskID),
            counts: TaskResultCounts(
                totalSamples: p.totalSamples, autoLabeledSamples: p.autoLabeledSamples,
                hardExamples: p.hardExamples, flattenedRGBAImages: p.flattenedRgbaImages,
                skippedSamples: p.skippedSamples.map { SkippedSample(sampleID: SampleID($0.sampleID), reason: $0.reason) }),
            at: Instant(micros: p.atMicros))
    }
}

extension ContinuousAutoLabelingConfigured {
    var proto: Labelledger_Domain_ContinuousAutoLabelingConfigured {
        var p = Labelledger_Domain_ContinuousAutoLabelingConfigured()
        p.newSamples = UInt32(clamping: newSamples)
        p.algorithm = algorithm.proto
        p.by = by
        p.atMicros = at.micros
        return p
    }

    init(_ p: Labelledger_Domain_ContinuousAutoLabelingConfigured) throws(DomainError) {
        self.init(
            newSamples: Int(p.newSamples), algorithm: try .from(p.algorithm, field: "algorithm"), by: p.by,
            at: Instant(micros: p.atMicros))
    }
}

// MARK: - Decoding

extension DomainEvent {
    /// Reads an event from the log.
    ///
    /// Older schema versions are first upcast to the current one
    /// (``EventUpcaster``), so every version ever written stays readable.
    ///
    /// - Throws: ``DomainError/unknownEventType(_:)``,
    ///   ``DomainError/unsupportedSchemaVersion(type:version:)`` (a version newer
    ///   than this build, or one never written), ``DomainError/malformedPayload(type:reason:)``.
    public static func decode(type: String, schemaVersion: UInt32, payload: Data) throws(DomainError) -> DomainEvent {
        let current = try EventUpcaster.upcast(type: type, schemaVersion: schemaVersion, payload: payload)
        do {
            return try decodeCurrent(type: type, payload: current)
        } catch {
            throw error.inPayload(type)
        }
    }

    private static func message<M: SwiftProtobuf.Message>(_: M.Type, _ payload: Data) throws(DomainError) -> M {
        do {
            return try M(serializedBytes: payload)
        } catch {
            throw .malformed("\(error)")
        }
    }

    private static func decodeCurrent(type: String, payload: Data) throws(DomainError) -> DomainEvent {
        switch type {
        case "DatasetCreated":
            let p = try message(Labelledger_Domain_DatasetCreated.self, payload)
            return .datasetCreated(DatasetCreated(
                datasetID: DatasetID(p.datasetID), name: p.name, type: try .from(p.type, field: "type"),
                labels: p.labels.map(LabelDefinition.init), description: p.description_p,
                createdBy: p.createdBy, createdAt: Instant(micros: p.createdAtMicros)))
        case "LabelsAdded":
            let p = try message(Labelledger_Domain_LabelsAdded.self, payload)
            return .labelsAdded(LabelsAdded(labels: p.labels.map(LabelDefinition.init), by: p.by))
        case "LabelRenamed":
            let p = try message(Labelledger_Domain_LabelRenamed.self, payload)
            return .labelRenamed(LabelRenamed(oldName: p.oldName, newName: p.newName, by: p.by))
        case "LabelDeleted":
            let p = try message(Labelledger_Domain_LabelDeleted.self, payload)
            return .labelDeleted(LabelDeleted(name: p.name, strippedSamples: [SampleID](rawValues: p.strippedSampleIds), by: p.by))
        case "DatasetDeleted":
            return .datasetDeleted(DatasetDeleted(try message(Labelledger_Domain_DatasetDeleted.self, payload)))
        case "SamplesAdded":
            let p = try message(Labelledger_Domain_SamplesAdded.self, payload)
            var samples: [NewSample] = []
            samples.reserveCapacity(p.samples.count)
            for s in p.samples {
                samples.append(NewSample(
                    id: SampleID(s.sampleID), name: s.name, sourcePath: s.sourcePath, width: s.width,
                    height: s.height, channels: s.channels, contentSHA256: s.contentSha256,
                    usage: try SampleUsage.from(s.usage), initialLabels: try [SampleLabel](s.initialLabels),
                    initialPredictions: try [SampleLabel](s.initialPredictions),
                    initialHardMark: s.hasInitialHardMark ? try HardMark(s.initialHardMark) : nil,
                    labelsCreatedAt: s.labelsCreatedAtMicros == 0
                        ? nil : Instant(microsecondsSince1970: s.labelsCreatedAtMicros)))
            }
            return .samplesAdded(SamplesAdded(samples: samples, by: p.by))
        case "SamplesDeleted":
            let p = try message(Labelledger_Domain_SamplesDeleted.self, payload)
            var samples: [DeletedSample] = []
            for s in p.samples {
                samples.append(DeletedSample(
                    id: SampleID(s.sampleID), name: s.name, previousState: try .from(s.previousState, field: "previous_state"),
                    previousLabels: try [SampleLabel](s.previousLabels)))
            }
            return .samplesDeleted(SamplesDeleted(samples: samples, by: p.by))
        case "SampleLabelsReplaced":
            let p = try message(Labelledger_Domain_SampleLabelsReplaced.self, payload)
            var samples: [LabelReplacement] = []
            samples.reserveCapacity(p.samples.count)
            for s in p.samples {
                samples.append(LabelReplacement(
                    sampleID: SampleID(s.sampleID), previousState: try .from(s.previousState, field: "previous_state"),
                    previousLabels: try [SampleLabel](s.previousLabels), newLabels: try [SampleLabel](s.newLabels)))
            }
            return .sampleLabelsReplaced(SampleLabelsReplaced(samples: samples, by: p.by))
        case "SamplesConfirmed":
            let p = try message(Labelledger_Domain_SamplesConfirmed.self, payload)
            var samples: [ConfirmedSample] = []
            for s in p.samples {
                samples.append(ConfirmedSample(
                    sampleID: SampleID(s.sampleID), confirmedLabels: try [SampleLabel](s.confirmedLabels),
                    predictedLabels: try [SampleLabel](s.predictedLabels)))
            }
            return .samplesConfirmed(SamplesConfirmed(samples: samples, by: p.by))
        case "SamplesRejected":
            let p = try message(Labelledger_Domain_SamplesRejected.self, payload)
            var samples: [RejectedSample] = []
            for s in p.samples {
                samples.append(RejectedSample(sampleID: SampleID(s.sampleID), rejectedLabels: try [SampleLabel](s.rejectedLabels)))
            }
            return .samplesRejected(SamplesRejected(samples: samples, by: p.by))
        case "SamplesMarkedHard":
            let p = try message(Labelledger_Domain_SamplesMarkedHard.self, payload)
            return .samplesMarkedHard(SamplesMarkedHard(
                sampleIDs: [SampleID](rawValues: p.sampleIds), reasons: try HardReason.from(codes: p.reasons),
                coefficient: try .decoded(p.coefficient, "hard coefficient"), by: p.by))
        case "HardMarksCleared":
            let p = try message(Labelledger_Domain_HardMarksCleared.self, payload)
            return .hardMarksCleared(HardMarksCleared(sampleIDs: [SampleID](rawValues: p.sampleIds), by: p.by))
        case "AutoLabelTaskQueued":
            let p = try message(Labelledger_Domain_AutoLabelTaskQueued.self, payload)
            return .autoLabelTaskQueued(AutoLabelTaskQueued(
                taskID: TaskID(p.taskID), taskType: try .from(p.taskType, field: "task_type"),
                algorithm: try .from(p.algorithm, field: "algorithm"), model: p.hasModel ? ModelRef(p.model) : nil,
                targetAccuracy: try .decoded(p.targetAccuracy, "target accuracy"), requestedBy: p.requestedBy,
                at: Instant(micros: p.atMicros)))
        case "TaskStarted":
            let p = try message(Labelledger_Domain_TaskStarted.self, payload)
            return .taskStarted(TaskStarted(taskID: TaskID(p.taskID), at: Instant(micros: p.atMicros)))
        case "TaskRunning":
            let p = try message(Labelledger_Domain_TaskRunning.self, payload)
            return .taskRunning(TaskRunning(taskID: TaskID(p.taskID), at: Instant(micros: p.atMicros)))
        case "TaskProgressed":
            let p = try message(Labelledger_Domain_TaskProgressed.self, payload)
            return .taskProgressed(TaskProgressed(
                taskID: TaskID(p.taskID), processed: p.processed, total: p.total, percent: try .decoded(p.percent, "percent"),
                phase: try .from(p.phase, field: "phase"), at: Instant(micros: p.atMicros)))
        case "TaskTrainingFinished":
            let p = try message(Labelledger_Domain_TaskTrainingFinished.self, payload)
            return .taskTrainingFinished(TaskTrainingFinished(
                taskID: TaskID(p.taskID), metrics: try .decoded(p.metrics), at: Instant(micros: p.atMicros)))
        case "SamplesAutoLabeled":
            let p = try message(Labelledger_Domain_SamplesAutoLabeled.self, payload)
            var samples: [AutoLabeledSample] = []
            samples.reserveCapacity(p.samples.count)
            for s in p.samples {
                samples.append(AutoLabeledSample(sampleID: SampleID(s.sampleID), labels: try [SampleLabel](s.labels)))
            }
            return .samplesAutoLabeled(SamplesAutoLabeled(
                taskID: TaskID(p.taskID), model: p.hasModel ? ModelRef(p.model) : nil, samples: samples))
        case "HardExamplesDetected":
            let p = try message(Labelledger_Domain_HardExamplesDetected.self, payload)
            var samples: [HardExampleFinding] = []
            for s in p.samples {
                samples.append(HardExampleFinding(
                    sampleID: SampleID(s.sampleID), reasons: try HardReason.from(codes: s.reasons),
                    coefficient: try .decoded(s.coefficient, "hard coefficient")))
            }
            return .hardExamplesDetected(HardExamplesDetected(taskID: TaskID(p.taskID), samples: samples))
        case "TaskSucceeded":
            return .taskSucceeded(TaskSucceeded(try message(Labelledger_Domain_TaskSucceeded.self, payload)))
        case "TaskFailed":
            let p = try message(Labelledger_Domain_TaskFailed.self, payload)
            return .taskFailed(TaskFailed(taskID: TaskID(p.taskID), code: p.code, message: p.message, at: Instant(micros: p.atMicros)))
        case "TaskStopRequested":
            let p = try message(Labelledger_Domain_TaskStopRequested.self, payload)
            return .taskStopRequested(TaskStopRequested(taskID: TaskID(p.taskID), by: p.by, at: Instant(micros: p.atMicros)))
        case "TaskStopped":
            let p = try message(Labelledger_Domain_TaskStopped.self, payload)
            return .taskStopped(TaskStopped(taskID: TaskID(p.taskID), at: Instant(micros: p.atMicros)))
        case "ContinuousAutoLabelingConfigured":
            return .continuousAutoLabelingConfigured(try ContinuousAutoLabelingConfigured(
                try message(Labelledger_Domain_ContinuousAutoLabelingConfigured.self, payload)))
        case "ModelRegistered":
            let p = try message(Labelledger_Domain_ModelRegistered.self, payload)
            return .modelRegistered(ModelRegistered(
                model: ModelRef(p.model), type: try .from(p.type, field: "type"), commandLine: p.commandLine,
                timeoutSeconds: p.timeoutSeconds, by: p.by, at: Instant(micros: p.atMicros)))
        default:
            throw .unknownEventType(type)
        }
    }
}
