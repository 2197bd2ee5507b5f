/// Decides a command against the current state of its dataset: the events
/// that record it, or a refusal.
///
/// Pure and deterministic: no clock, no random, no I/O; every id and instant
/// comes from the command. Rule checks cost O(labels) plus O(size of the
/// command) thanks to the state's incremental counters; the only O(samples)
/// command is deleting a label with `stripFromSamples` (it lists the samples
/// it strips).
///
/// - Parameters:
///   - command: what to do.
///   - state: the dataset's state, or nil (or an uncreated state) when its
///     stream has no events yet.
///   - models: the model registry, consulted by pre-label requests only.
/// - Returns: the events to append atomically, and per-sample results for
///   batch commands.
/// - Throws: ``DomainError`` when the command as a whole is refused (dataset
///   missing, empty batch, task precondition, …). A single bad sample of a
///   batch does not throw: it fails alone in ``Decision/results``.
///
/// ```swift
/// let decision = try decide(.rejectSamples(["s1", "s2"], by: "ana"), state: state)
/// for failure in decision.failures { print(failure.errorCode!, failure.errorMessage!) }
/// ```
public func decide(
    _ command: DatasetCommand, state: DatasetState?, models: ModelRegistryState = ModelRegistryState()
) throws(DomainError) -> Decision {
    if case .createDataset(let id, let name, let typeCode, let labels, let description, let by, let at) = command {
        if let state, state.isCreated {
            // A deleted dataset's id names its history only: it is never created again.
            if let deletion = state.deletion { throw .datasetDeleted(state.id, by: deletion.by, at: deletion.at) }
            throw .datasetAlreadyExists(state.id)
        }
        try DatasetRules.identifier(id.rawValue, kind: "dataset")
        try DatasetRules.datasetName(name)
        guard let type = LabelingType(rawValue: typeCode) else { throw .unsupportedLabelingType(typeCode) }
        try DatasetRules.labelDefinitions(labels, existing: nil)
        try DatasetRules.description(description)
        try DatasetRules.actor(by)
        return Decision(events: [
            .datasetCreated(DatasetCreated(
                datasetID: id, name: name, type: type, labels: labels, description: description, createdBy: by,
                createdAt: at))
        ])
    }
    guard let state, state.isCreated else { throw .datasetNotFound }
    if let deletion = state.deletion { throw .datasetDeleted(state.id, by: deletion.by, at: deletion.at) }
    return try DatasetDecider(state: state, models: models).decide(command)
}

/// The rules, one method per command, over a read-only state.
struct DatasetDecider {
    let state: DatasetState
    let models: ModelRegistryState

    init(state: DatasetState, models: ModelRegistryState) {
        self.state = state
        self.models = models
    }

    func decide(_ command: DatasetCommand) throws(DomainError) -> Decision {
        switch command {
        case .createDataset:
            throw .datasetAlreadyExists(state.id)
        case .addLabels(let labels, let by):
            try DatasetRules.actor(by)
            guard !labels.isEmpty else { throw .emptyBatch }
            try DatasetRules.labelDefinitions(labels, existing: state)
            return Decision(events: [.labelsAdded(LabelsAdded(labels: labels, by: by))])
        case .renameLabel(let from, let to, let by):
            try DatasetRules.actor(by)
            guard state.hasLabel(from) else { throw .labelNotFound(from) }
            guard LabelDefinition.isValidName(to) else { throw .invalidLabelName(to) }
            guard !state.hasLabel(to) else { throw .duplicateLabel(to) }
            return Decision(events: [.labelRenamed(LabelRenamed(oldName: from, newName: to, by: by))])
        case .deleteLabel(let name, let strip, let by):
            return try deleteLabel(name, strip: strip, by: by)
        case .deleteDataset(let by, let at):
            try DatasetRules.actor(by)
            // Refused rather than stopping the task on the user's behalf: the reactor would
            // otherwise race the deletion with results for a dataset that no longer exists.
            if let active = state.activeTask { throw .datasetHasActiveTask(task: active.id, status: active.status) }
            return Decision(events: [
                .datasetDeleted(DatasetDeleted(name: state.name, sampleCount: UInt64(state.samples.count), by: by, at: at))
            ])
        case .addSamples(let samples, let by):
            return try addSamples(samples, by: by)
        case .deleteSamples(let ids, let by):
            return try deleteSamples(ids, by: by)
        case .updateSampleLabels(let updates, let by):
            return try updateSampleLabels(updates, by: by)
        case .confirmSamples(let confirmations, let by):
            return try confirmSamples(confirmations, by: by)
        case .rejectSamples(let ids, let by):
            return try rejectSamples(ids, by: by)
        case .markHard(let ids, let codes, let coefficient, let by):
            try DatasetRules.actor(by)
            try DatasetRules.hardCoefficient(coefficient)
            // A person's mark may give no reason: the event records who marked it.
            let reasons = codes.isEmpty ? [] : try DatasetRules.hardReasons(codes)
            let (accepted, results) = try eachSample(ids, id: { $0 }) { id, _ throws(DomainError) in id }
            let events: [DomainEvent] = accepted.isEmpty ? [] : [
                .samplesMarkedHard(SamplesMarkedHard(sampleIDs: accepted, reasons: reasons, coefficient: coefficient, by: by))
            ]
            return Decision(events: events, results: results)
        case .clearHard(let ids, let by):
            try DatasetRules.actor(by)
            let (accepted, results) = try eachSample(ids, id: { $0 }) { id, _ throws(DomainError) in id }
            let events: [DomainEvent] = accepted.isEmpty ? [] : [
                .hardMarksCleared(HardMarksCleared(sampleIDs: accepted, by: by))
            ]
            return Decision(events: events, results: results)
        case .requestAutoLabeling(let taskID, let type, let algorithm, let model, let targetAccuracy, let by, let at):
            return try requestAutoLabeling(
                taskID: taskID, type: type, algorithm: algorithm, model: model, targetAccuracy: targetAccuracy, by: by,
                at: at)
        case .startTask(let id, let at):
            try transition(id, to: .initializing)
            return Decision(events: [.taskStarted(TaskStarted(taskID: id, at: at))])
        case .runTask(let id, let at):
            try transition(id, to: .running)
            return Decision(events: [.taskRunning(TaskRunning(taskID: id, at: at))])
        case .reportProgress(let id, let processed, let total, let percent, let phase, let at):
            try requireStatus(id, in: [.initializing, .running])
            guard processed <= total, percent >= 0, percent <= 100 else {
                throw .invalidProgress(processed: processed, total: total, percent: percent)
            }
            return Decision(events: [
                .taskProgressed(TaskProgressed(
                    taskID: id, processed: processed, total: total, percent: percent, phase: phase, at: at))
            ])
        case .finishTraining(let id, let metrics, let at):
            try requireStatus(id, in: [.running])
            if let name = metrics.keys.sorted().first(where: { metrics[$0]!.isNaN }) { throw .invalidMetric(name: name) }
            return Decision(events: [.taskTrainingFinished(TaskTrainingFinished(taskID: id, metrics: metrics, at: at))])
        case .recordAutoLabels(let id, let predictions):
            return try recordAutoLabels(id, predictions)
        case .recordHardExamples(let id, let reports):
            return try recordHardExamples(id, reports)
        case .succeedTask(let id, let counts, let at):
            try transition(id, to: .succeeded)
            return Decision(events: [.taskSucceeded(TaskSucceeded(taskID: id, counts: counts, at: at))])
        case .failTask(let id, let code, let message, let at):
            try transition(id, to: .failed)
            return Decision(events: [.taskFailed(TaskFailed(taskID: id, code: code, message: message, at: at))])
        case .requestStop(let id, let by, let at):
            try DatasetRules.actor(by)
            try transition(id, to: .stopping)
            return Decision(events: [.taskStopRequested(TaskStopRequested(taskID: id, by: by, at: at))])
        case .markStopped(let id, let at):
            try transition(id, to: .stopped)
            return Decision(events: [.taskStopped(TaskStopped(taskID: id, at: at))])
        case .configureContinuousAutoLabeling(let newSamples, let algorithm, let by, let at):
            try DatasetRules.actor(by)
            guard (0...ContinuousAutoLabelingConfigured.maximumNewSamples).contains(newSamples) else {
                throw .invalidContinuousThreshold(newSamples)
            }
            return Decision(events: [
                .continuousAutoLabelingConfigured(ContinuousAutoLabelingConfigured(
                    newSamples: newSamples, algorithm: algorithm, by: by, at: at))
            ])
        }
    }

    // MARK: - Batches

    /// Runs `rule` for each requested sample that exists and is not a repeat;
    /// collects what it returns for the event and one result per request item.
    private func eachSample<Input, Output>(
        _ items: [Input], id: (Input) -> SampleID,
        mustExist: Bool = true,
        _ rule: (Input, SampleRecord?) throws(DomainError) -> Output
    ) throws(DomainError) -> (accepted: [Output], results: [SampleResult]) {
        guard !items.isEmpty else { throw .emptyBatch }
        var accepted: [Output] = []
        var results: [SampleResult] = []
        accepted.reserveCapacity(items.count)
        results.reserveCapacity(items.count)
        var seen = Set<SampleID>(minimumCapacity: items.count)
        for item in items {
            let sampleID = id(item)
            do throws(DomainError) {
                guard seen.insert(sampleID).inserted else { throw .duplicateSampleInBatch(sampleID) }
                let record = state.samples[sampleID]
                if mustExist, record == nil { throw .sampleNotFound(sampleID) }
                accepted.append(try rule(item, record))
                results.append(SampleResult(sampleID: sampleID))
            } catch {
                results.append(SampleResult(sampleID: sampleID, error: error))
            }
        }
        return (accepted, results)
    }

    private func addSamples(_ samples: [NewSample], by: String) throws(DomainError) -> Decision {
        try DatasetRules.actor(by)
        var batchNames: Set<String> = []
        let (accepted, results) = try eachSample(samples, id: \.id, mustExist: false) {
            sample, existing throws(DomainError) in
            try DatasetRules.identifier(sample.id.rawValue, kind: "sample")
            guard existing == nil else { throw .sampleAlreadyExists(sample.id) }
            try DatasetRules.sampleName(sample.name, sample: sample.id)
            try DatasetRules.imageSize(width: sample.width, height: sample.height, channels: sample.channels, sample: sample.id)
            try DatasetRules.contentHash(sample.contentSHA256, sample: sample.id)
            try DatasetRules.sampleLabels(
                sample.initialLabels, sample: sample.id, width: sample.width, height: sample.height, state: state,
                requireScore: false)
            try DatasetRules.sampleLabels(
                sample.initialPredictions, sample: sample.id, width: sample.width, height: sample.height, state: state,
                requireScore: true)
            // An imported mark may carry no reason codes (manifests often have none).
            if let mark = sample.initialHardMark { try DatasetRules.hardCoefficient(mark.coefficient) }
            guard !state.sampleNames.contains(sample.name), !batchNames.contains(sample.name) else {
                throw .duplicateSampleName(sample: sample.id, name: sample.name)
            }
            batchNames.insert(sample.name)
            return sample
        }
        // Any number of samples: split into events the log accepts, appended as one atomic group.
        let events: [DomainEvent] = SamplesAdded.chunks(of: accepted, by: by).map { .samplesAdded($0) }
        return Decision(events: events, results: results)
    }

    private func deleteSamples(_ ids: [SampleID], by: String) throws(DomainError) -> Decision {
        try DatasetRules.actor(by)
        let (accepted, results) = try eachSample(ids, id: { $0 }) { id, record throws(DomainError) in
            DeletedSample(id: id, name: record!.name, previousState: record!.state, previousLabels: record!.visibleLabels)
        }
        let events: [DomainEvent] = accepted.isEmpty ? [] : [.samplesDeleted(SamplesDeleted(samples: accepted, by: by))]
        return Decision(events: events, results: results)
    }

    private func updateSampleLabels(_ updates: [SampleLabelUpdate], by: String) throws(DomainError) -> Decision {
        try DatasetRules.actor(by)
        let (accepted, results) = try eachSample(updates, id: \.sampleID) { update, record throws(DomainError) in
            let record = record!
            let labels = update.labels.map { $0.sampleLabel(by: by) }
            try DatasetRules.sampleLabels(
                labels, sample: update.sampleID, width: record.width, height: record.height, state: state,
                requireScore: false)
            return LabelReplacement(
                sampleID: update.sampleID, previousState: record.state, previousLabels: record.visibleLabels,
                newLabels: labels)
        }
        let events: [DomainEvent] = accepted.isEmpty ? [] : [
            .sampleLabelsReplaced(SampleLabelsReplaced(samples: accepted, by: by))
        ]
        return Decision(events: events, results: results)
    }

    private func confirmSamples(_ confirmations: [SampleConfirmation], by: String) throws(DomainError) -> Decision {
        try DatasetRules.actor(by)
        let (accepted, results) = try eachSample(confirmations, id: \.sampleID) {
            confirmation, record throws(DomainError) in
            let record = record!
            guard record.state == .toBeConfirmed else {
                throw .sampleNotToBeConfirmed(sample: confirmation.sampleID, state: record.state)
            }
            var confirmed = record.predictedLabels
            if let corrected = confirmation.correctedLabels {
                guard !corrected.isEmpty else {
                    throw .invalidLabelSet(
                        sample: confirmation.sampleID, reason: "corrected labels are empty: reject the sample instead")
                }
                confirmed = corrected.map { $0.sampleLabel(by: by) }
                try DatasetRules.sampleLabels(
                    confirmed, sample: confirmation.sampleID, width: record.width, height: record.height, state: state,
                    requireScore: false)
            }
            return ConfirmedSample(
                sampleID: confirmation.sampleID, confirmedLabels: confirmed, predictedLabels: record.predictedLabels)
        }
        let events: [DomainEvent] = accepted.isEmpty ? [] : [.samplesConfirmed(SamplesConfirmed(samples: accepted, by: by))]
        return Decision(events: events, results: results)
    }

    private func rejectSamples(_ ids: [SampleID], by: String) throws(DomainError) -> Decision {
        try DatasetRules.actor(by)
        let (accepted, results) = try eachSample(ids, id: { $0 }) { id, record throws(DomainError) in
            guard record!.state == .toBeConfirmed else { throw .sampleNotToBeConfirmed(sample: id, state: record!.state) }
            return RejectedSample(sampleID: id, rejectedLabels: record!.predictedLabels)
        }
        let events: [DomainEvent] = accepted.isEmpty ? [] : [.samplesRejected(SamplesRejected(samples: accepted, by: by))]
        return Decision(events: events, results: results)
    }

    // MARK: - Labels

    private func deleteLabel(_ name: String, strip: Bool, by: String) throws(DomainError) -> Decision {
        try DatasetRules.actor(by)
        guard let usage = state.labelUsage[name] else { throw .labelNotFound(name) }
        var stripped: [SampleID] = []
        if usage.isInUse {
            guard strip else { throw .labelInUse(label: name, samples: usage.labeledSamples + usage.pendingSamples) }
            // O(samples), on purpose: the event lists the samples for auditors
            // and so that evolve stays O(event). Sorted for determinism.
            for (id, record) in state.samples where record.visibleLabels.contains(where: { $0.name == name }) {
                stripped.append(id)
            }
            stripped.sort()
        }
        return Decision(events: [.labelDeleted(LabelDeleted(name: name, strippedSamples: stripped, by: by))])
    }

    // MARK: - Tasks

    private func requestAutoLabeling(
        taskID: TaskID, type: TaskType, algorithm: AutoLabelAlgorithm, model: ModelRef?, targetAccuracy: Double?,
        by: String, at: Instant
    ) throws(DomainError) -> Decision {
        try DatasetRules.identifier(taskID.rawValue, kind: "task")
        try DatasetRules.actor(by)
        guard state.tasks[taskID] == nil else { throw .taskAlreadyExists(taskID) }
        let accuracy = targetAccuracy ?? AutoLabelTaskQueued.defaultTargetAccuracy
        guard accuracy > 0, accuracy <= 1 else { throw .invalidTargetAccuracy(accuracy) }
        if let active = state.activeTask {
            switch active.type {
            case .autoLabel: throw .autoLabelTaskInProgress(active.id)
            case .preLabel: throw .preLabelTaskInProgress(active.id)
            }
        }
        var taskModel: ModelRef?
        switch type {
        case .autoLabel:
            guard state.labels.count >= 2 else { throw .tooFewLabelsForActiveLearning(count: state.labels.count) }
            for label in state.labels {
                let used = state.labelUsage[label.name]?.labeledSamples ?? 0
                guard used >= 5 else { throw .labelHasTooFewSamples(label: label.name, count: used) }
            }
        case .preLabel:
            guard let model else { throw .invalidModel(reason: "a pre-label task needs a model name and version") }
            guard let registered = models.models[model] else { throw .modelNotFound(model) }
            guard registered.type == state.type else {
                throw .modelTypeMismatch(model: model, modelType: registered.type, datasetType: state.type)
            }
            taskModel = model
        }
        guard state.sampleCounts.unlabeled >= 1 else { throw .noUnlabeledSample }
        return Decision(events: [
            .autoLabelTaskQueued(AutoLabelTaskQueued(
                taskID: taskID, taskType: type, algorithm: algorithm, model: taskModel, targetAccuracy: accuracy,
                requestedBy: by, at: at))
        ])
    }

    private func task(_ id: TaskID) throws(DomainError) -> TaskRecord {
        guard let task = state.tasks[id] else { throw .taskNotFound(id) }
        return task
    }

    private func transition(_ id: TaskID, to next: TaskStatus) throws(DomainError) {
        let task = try task(id)
        guard task.status.canTransition(to: next) else {
            throw .invalidTaskTransition(task: id, from: task.status, to: next)
        }
    }

    @discardableResult
    private func requireStatus(_ id: TaskID, in allowed: Set<TaskStatus>) throws(DomainError) -> TaskRecord {
        let task = try task(id)
        guard allowed.contains(task.status) else { throw .taskNotRunning(task: id, status: task.status) }
        return task
    }

    private func recordAutoLabels(_ id: TaskID, _ predictions: [SamplePrediction]) throws(DomainError) -> Decision {
        let task = try requireStatus(id, in: [.running])
        let annotator = task.annotator
        let (accepted, results) = try eachSample(predictions, id: \.sampleID) { prediction, record throws(DomainError) in
            let record = record!
            guard !task.autoLabeledSamples.contains(prediction.sampleID) else {
                throw .sampleAlreadyAutoLabeledByTask(sample: prediction.sampleID, task: id)
            }
            guard record.state == .unlabeled else {
                throw .sampleNotUnlabeled(sample: prediction.sampleID, state: record.state)
            }
            guard !prediction.labels.isEmpty else {
                throw .invalidLabelSet(sample: prediction.sampleID, reason: "a prediction needs at least one label")
            }
            let labels = prediction.labels.map {
                SampleLabel(name: $0.name, box: $0.box, score: $0.score, annotator: annotator)
            }
            try DatasetRules.sampleLabels(
                labels, sample: prediction.sampleID, width: record.width, height: record.height, state: state,
                requireScore: true)
            return AutoLabeledSample(sampleID: prediction.sampleID, labels: labels)
        }
        let events: [DomainEvent] = accepted.isEmpty ? [] : [
            .samplesAutoLabeled(SamplesAutoLabeled(taskID: id, model: task.model, samples: accepted))
        ]
        return Decision(events: events, results: results)
    }

    private func recordHardExamples(_ id: TaskID, _ reports: [HardExampleReport]) throws(DomainError) -> Decision {
        try requireStatus(id, in: [.running])
        let (accepted, results) = try eachSample(reports, id: \.sampleID) { report, _ throws(DomainError) in
            let reasons = try DatasetRules.hardReasons(report.reasonCodes)
            try DatasetRules.hardCoefficient(report.coefficient)
            return HardExampleFinding(sampleID: report.sampleID, reasons: reasons, coefficient: report.coefficient)
        }
        let events: [DomainEvent] = accepted.isEmpty ? [] : [
            .hardExamplesDetected(HardExamplesDetected(taskID: id, samples: accepted))
        ]
        return Decision(events: events, results: results)
    }
}
