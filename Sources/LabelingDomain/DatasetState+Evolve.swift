/// Applies one event to a dataset state, in place.
///
/// The primitive of the fold. It never throws (events are facts) and costs
/// O(size of the event): it touches only the samples and labels the event
/// names and never copies the sample dictionary (the caller's `inout` state
/// is mutated in place). One exception: `LabelRenamed` of a label in use scans
/// the samples once, in place, to rename it where it is carried (a rare
/// label-set operation; `LabelDeleted` lists its samples and stays O(event)).
///
/// Events naming unknown samples or tasks are ignored for those items: a
/// stream written by `decide` never contains them.
///
/// The caller sets ``DatasetState/version`` after each event.
///
/// ```swift
/// evolve(&state, event)
/// state.version += 1
/// ```
public func evolve(_ state: inout DatasetState, _ event: DomainEvent) {
    switch event {
    case .datasetCreated(let e):
        state.isCreated = true
        state.id = e.datasetID
        state.name = e.name
        state.type = e.type
        state.description = e.description
        state.createdAt = e.createdAt
        state.addLabels(e.labels)

    case .labelsAdded(let e):
        state.addLabels(e.labels)

    case .labelRenamed(let e):
        state.renameLabel(from: e.oldName, to: e.newName)

    case .labelDeleted(let e):
        for id in e.strippedSamples {
            state.updateSample(id) { record in
                record.labels.removeAll { $0.name == e.name }
                record.predictedLabels.removeAll { $0.name == e.name }
                if record.state == .labeled, record.labels.isEmpty { record.state = .unlabeled }
                if record.state == .toBeConfirmed, record.predictedLabels.isEmpty { record.state = .unlabeled }
            }
        }
        state.labels.removeAll { $0.name == e.name }
        state.labelUsage[e.name] = nil

    case .datasetDeleted(let e):
        state.deletion = e
        // The samples leave the state, and with them every sample counter; the label set
        // and the tasks stay for messages and audits.
        state.samples = [:]
        state.sampleNames = []
        state.sampleCounts = DatasetState.SampleCounts()
        for name in state.labelUsage.keys { state.labelUsage[name] = DatasetState.LabelUsage() }
        state.hardSampleCount = 0
        state.hardReasonCounts = [:]
        state.activeTaskID = nil

    case .samplesAdded(let e):
        state.samples.reserveCapacity(state.samples.count + e.samples.count)
        for sample in e.samples where state.samples[sample.id] == nil {
            let arrival = sample.arrivalState
            var record = SampleRecord(
                name: sample.name, state: arrival,
                labels: sample.initialLabels, width: sample.width, height: sample.height, channels: sample.channels)
            if arrival == .toBeConfirmed { record.predictedLabels = sample.initialPredictions }
            record.hardMark = sample.initialHardMark
            state.samples[sample.id] = record
            state.sampleNames.insert(sample.name)
            state.count(record, 1)
        }

    case .samplesDeleted(let e):
        for sample in e.samples {
            guard let record = state.samples.removeValue(forKey: sample.id) else { continue }
            state.count(record, -1)
            state.sampleNames.remove(record.name)
        }

    case .sampleLabelsReplaced(let e):
        for change in e.samples {
            state.updateSample(change.sampleID) { record in
                record.labels = change.newLabels
                record.predictedLabels = []
                record.state = change.newLabels.isEmpty ? .unlabeled : .labeled
            }
        }

    case .samplesConfirmed(let e):
        for confirmed in e.samples {
            state.updateSample(confirmed.sampleID) { record in
                record.labels = confirmed.confirmedLabels
                record.predictedLabels = []
                record.state = confirmed.confirmedLabels.isEmpty ? .unlabeled : .labeled
            }
        }

    case .samplesRejected(let e):
        for rejected in e.samples {
            state.updateSample(rejected.sampleID) { record in
                record.labels = []
                record.predictedLabels = []
                record.state = .unlabeled
            }
        }

    case .samplesMarkedHard(let e):
        let mark = HardMark(reasons: e.reasons, coefficient: e.coefficient, origin: .person(e.by))
        for id in e.sampleIDs {
            state.updateSample(id) { $0.hardMark = mark }
        }

    case .hardMarksCleared(let e):
        for id in e.sampleIDs {
            state.updateSample(id) { $0.hardMark = nil }
        }

    case .autoLabelTaskQueued(let e):
        state.tasks[e.taskID] = TaskRecord(
            id: e.taskID, type: e.taskType, algorithm: e.algorithm, model: e.model,
            targetAccuracy: e.targetAccuracy, requestedBy: e.requestedBy, queuedAt: e.at)
        state.activeTaskID = e.taskID

    case .taskStarted(let e):
        state.tasks[e.taskID]?.status = .initializing
        state.tasks[e.taskID]?.startedAt = e.at

    case .taskRunning(let e):
        state.tasks[e.taskID]?.status = .running

    case .taskProgressed(let e):
        state.tasks[e.taskID]?.progress = TaskRecord.Progress(
            processed: e.processed, total: e.total, percent: e.percent, phase: e.phase, at: e.at)

    case .taskTrainingFinished(let e):
        state.tasks[e.taskID]?.metrics.merge(e.metrics) { _, new in new }

    case .samplesAutoLabeled(let e):
        for sample in e.samples {
            state.updateSample(sample.sampleID) { record in
                record.labels = []
                record.predictedLabels = sample.labels
                record.state = sample.labels.isEmpty ? .unlabeled : .toBeConfirmed
            }
            state.tasks[e.taskID]?.autoLabeledSamples.insert(sample.sampleID)
        }

    case .hardExamplesDetected(let e):
        for finding in e.samples {
            let mark = HardMark(reasons: finding.reasons, coefficient: finding.coefficient, origin: .task(e.taskID))
            state.updateSample(finding.sampleID) { $0.hardMark = mark }
        }
        state.tasks[e.taskID]?.hardExamplesFound += UInt64(e.samples.count)

    case .taskSucceeded(let e):
        state.endTask(e.taskID, status: .succeeded, at: e.at)
        state.tasks[e.taskID]?.result = e.counts

    case .taskFailed(let e):
        state.endTask(e.taskID, status: .failed, at: e.at)
        state.tasks[e.taskID]?.failure = TaskRecord.Failure(code: e.code, message: e.message)

    case .taskStopRequested(let e):
        state.tasks[e.taskID]?.status = .stopping
        state.tasks[e.taskID]?.stopRequestedBy = e.by

    case .taskStopped(let e):
        state.endTask(e.taskID, status: .stopped, at: e.at)

    case .continuousAutoLabelingConfigured(let e):
        state.continuousAutoLabeling = e

    case .modelRegistered:
        // Belongs to the model registry stream.
        break
    }
}

/// Applies events in order to a copy of `state` (convenience; prefer the
/// in-place form for large states). Does not change ``DatasetState/version``.
public func evolved(_ state: DatasetState, _ events: some Sequence<DomainEvent>) -> DatasetState {
    var copy = state
    for event in events { evolve(&copy, event) }
    return copy
}

extension DatasetState {
    /// Replaces a sample through `change`, keeping the counters right. O(labels of the sample).
    mutating func updateSample(_ id: SampleID, _ change: (inout SampleRecord) -> Void) {
        guard let index = samples.index(forKey: id) else { return }
        count(samples.values[index], -1)
        change(&samples.values[index])
        count(samples.values[index], 1)
    }

    mutating func addLabels(_ definitions: [LabelDefinition]) {
        for label in definitions where labelUsage[label.name] == nil {
            labels.append(label)
            labelUsage[label.name] = LabelUsage()
        }
    }

    /// O(samples): rewrites the label on every sample carrying it, in place.
    mutating func renameLabel(from oldName: String, to newName: String) {
        guard let position = labels.firstIndex(where: { $0.name == oldName }), labelUsage[newName] == nil else {
            return
        }
        labels[position].name = newName
        labelUsage[newName] = labelUsage.removeValue(forKey: oldName)
        guard labelUsage[newName]?.isInUse == true else { return }
        var index = samples.values.startIndex
        while index != samples.values.endIndex {
            if samples.values[index].labels.contains(where: { $0.name == oldName }) {
                for i in samples.values[index].labels.indices where samples.values[index].labels[i].name == oldName {
                    samples.values[index].labels[i].name = newName
                }
            }
            if samples.values[index].predictedLabels.contains(where: { $0.name == oldName }) {
                for i in samples.values[index].predictedLabels.indices
                where samples.values[index].predictedLabels[i].name == oldName {
                    samples.values[index].predictedLabels[i].name = newName
                }
            }
            samples.values.formIndex(after: &index)
        }
    }

    mutating func endTask(_ id: TaskID, status: TaskStatus, at: Instant) {
        tasks[id]?.status = status
        tasks[id]?.endedAt = at
        tasks[id]?.autoLabeledSamples = []
        if activeTaskID == id { activeTaskID = nil }
    }
}
