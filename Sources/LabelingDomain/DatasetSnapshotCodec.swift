import Foundation
import SwiftProtobuf

/// Turns a ``DatasetState`` into bytes and back, through the `DatasetSnapshot`
/// protobuf message, so that loading a big dataset does not replay its whole
/// stream.
///
/// The layout is columnar (one packed array per sample field, label entries
/// flattened, label names and annotators interned in tables): a
/// 1,000,000-sample state encodes and decodes in about a second in release.
/// Counters are not stored; decoding recomputes them from the samples.
///
/// A snapshot records ``stateFormatVersion``. Change that constant whenever
/// `DatasetState` or the meaning of a snapshot field changes: snapshots of
/// another format are refused with ``DomainError/snapshotFormatMismatch(found:expected:)``
/// and the caller replays the stream instead (snapshots are a cache, never
/// the truth).
///
/// ```swift
/// let data = DatasetSnapshotCodec.encode(state)
/// let back = try DatasetSnapshotCodec.decode(data)   // back == state
/// ```
public enum DatasetSnapshotCodec {
    /// The state format this build writes and reads.
    ///
    /// 2: the state records its deletion (`DatasetSnapshot.deletion`). A format-1 snapshot
    /// is ignored and its stream replayed; a build that reads format 1 only ignores a
    /// format-2 snapshot instead of reviving a deleted dataset without its samples.
    public static let stateFormatVersion: UInt32 = 2

    private static let hasBox: UInt32 = 1
    private static let hasScore: UInt32 = 2

    // MARK: - Encoding

    public static func encode(_ state: DatasetState) -> Data {
        var snapshot = Labelledger_Domain_DatasetSnapshot()
        snapshot.stateFormatVersion = stateFormatVersion
        snapshot.version = state.version
        snapshot.created = state.isCreated
        snapshot.datasetID = state.id.rawValue
        snapshot.name = state.name
        snapshot.type = state.type.proto
        snapshot.description_p = state.description
        snapshot.labels = state.labels.map(\.proto)
        snapshot.createdAtMicros = state.createdAt.micros
        if let deletion = state.deletion { snapshot.deletion = deletion.proto }

        let count = state.samples.count
        var ids: [String] = [], names: [String] = []
        var states: [UInt32] = [], widths: [UInt32] = [], heights: [UInt32] = [], channels: [UInt32] = []
        var labelCounts: [UInt32] = [], predictionCounts: [UInt32] = []
        ids.reserveCapacity(count)
        names.reserveCapacity(count)
        states.reserveCapacity(count)
        widths.reserveCapacity(count)
        heights.reserveCapacity(count)
        channels.reserveCapacity(count)
        labelCounts.reserveCapacity(count)
        predictionCounts.reserveCapacity(count)

        var nameIndexes: [UInt32] = [], annotatorIndexes: [UInt32] = [], flags: [UInt32] = []
        var boxes: [Int32] = [], scores: [Double] = []
        var stringTable: [String] = [], stringIndex: [String: UInt32] = [:]
        var annotatorTable: [Labelledger_Domain_AnnotatorProto] = [], annotatorIndex: [Annotator: UInt32] = [:]
        var hardMarks: [Labelledger_Domain_DatasetSnapshot.HardMarkEntry] = []

        func append(_ label: SampleLabel) {
            if let index = stringIndex[label.name] {
                nameIndexes.append(index)
            } else {
                let index = UInt32(stringTable.count)
                stringTable.append(label.name)
                stringIndex[label.name] = index
                nameIndexes.append(index)
            }
            if let index = annotatorIndex[label.annotator] {
                annotatorIndexes.append(index)
            } else {
                let index = UInt32(annotatorTable.count)
                annotatorTable.append(label.annotator.proto)
                annotatorIndex[label.annotator] = index
                annotatorIndexes.append(index)
            }
            var flag: UInt32 = 0
            if let box = label.box {
                flag |= hasBox
                boxes.append(contentsOf: [box.x1, box.y1, box.x2, box.y2])
            }
            if let score = label.score {
                flag |= hasScore
                scores.append(score)
            }
            flags.append(flag)
        }

        for (id, record) in state.samples {
            if let mark = record.hardMark {
                var entry = Labelledger_Domain_DatasetSnapshot.HardMarkEntry()
                entry.sampleIndex = UInt32(ids.count)
                entry.mark = mark.proto
                hardMarks.append(entry)
            }
            ids.append(id.rawValue)
            names.append(record.name)
            states.append(UInt32(record.state.rawValue))
            widths.append(record.width)
            heights.append(record.height)
            channels.append(record.channels)
            labelCounts.append(UInt32(record.labels.count))
            predictionCounts.append(UInt32(record.predictedLabels.count))
            for label in record.labels { append(label) }
            for label in record.predictedLabels { append(label) }
        }

        snapshot.sampleIds = ids
        snapshot.sampleNames = names
        snapshot.sampleStates = states
        snapshot.sampleWidths = widths
        snapshot.sampleHeights = heights
        snapshot.sampleChannels = channels
        snapshot.sampleLabelCounts = labelCounts
        snapshot.samplePredictionCounts = predictionCounts
        snapshot.labelNameIndexes = nameIndexes
        snapshot.labelAnnotatorIndexes = annotatorIndexes
        snapshot.labelFlags = flags
        snapshot.labelBoxes = boxes
        snapshot.labelScores = scores
        snapshot.stringTable = stringTable
        snapshot.annotators = annotatorTable
        snapshot.hardMarks = hardMarks
        snapshot.tasks = state.tasks.keys.sorted().map { state.tasks[$0]!.snapshot }
        snapshot.activeTaskID = state.activeTaskID?.rawValue ?? ""
        if let setting = state.continuousAutoLabeling { snapshot.continuousAutoLabeling = setting.proto }
        return snapshot.deterministicBytes()
    }

    // MARK: - Decoding

    /// - Throws: ``DomainError/snapshotFormatMismatch(found:expected:)`` for a
    ///   snapshot of another state format (replay instead);
    ///   ``DomainError/malformedSnapshot(_:)`` for bytes that are not a consistent snapshot.
    public static func decode(_ data: Data) throws(DomainError) -> DatasetState {
        let snapshot: Labelledger_Domain_DatasetSnapshot
        do {
            snapshot = try Labelledger_Domain_DatasetSnapshot(serializedBytes: data)
        } catch {
            throw .malformedSnapshot("\(error)")
        }
        guard snapshot.stateFormatVersion == stateFormatVersion else {
            throw .snapshotFormatMismatch(found: snapshot.stateFormatVersion, expected: stateFormatVersion)
        }
        do {
            return try state(from: snapshot)
        } catch {
            if case .malformedPayload(_, let reason) = error { throw .malformedSnapshot(reason) }
            throw error
        }
    }

    private static func state(from snapshot: Labelledger_Domain_DatasetSnapshot) throws(DomainError) -> DatasetState {
        var state = DatasetState()
        state.version = snapshot.version
        state.isCreated = snapshot.created
        state.id = DatasetID(snapshot.datasetID)
        state.name = snapshot.name
        state.type = try .from(snapshot.type, field: "type")
        state.description = snapshot.description_p
        state.labels = snapshot.labels.map(LabelDefinition.init)
        // Evolving the events never defines a name twice (the counters are keyed by name).
        var names = Set<String>()
        for label in state.labels where !names.insert(label.name).inserted {
            throw .malformedSnapshot("label '\(label.name)' is defined twice")
        }
        state.createdAt = Instant(micros: snapshot.createdAtMicros)
        state.deletion = snapshot.hasDeletion ? DatasetDeleted(snapshot.deletion) : nil

        let count = snapshot.sampleIds.count
        let columns = [
            snapshot.sampleNames.count, snapshot.sampleStates.count, snapshot.sampleWidths.count,
            snapshot.sampleHeights.count, snapshot.sampleChannels.count, snapshot.sampleLabelCounts.count,
            snapshot.samplePredictionCounts.count,
        ]
        guard columns.allSatisfy({ $0 == count }) else { throw .malformedSnapshot("sample columns differ in length") }
        let entries = snapshot.labelNameIndexes.count
        guard snapshot.labelAnnotatorIndexes.count == entries, snapshot.labelFlags.count == entries else {
            throw .malformedSnapshot("label columns differ in length")
        }
        var annotators: [Annotator] = []
        for proto in snapshot.annotators { annotators.append(try Annotator(proto)) }
        let strings = snapshot.stringTable

        var hardMarks: [Int: HardMark] = [:]
        for entry in snapshot.hardMarks {
            guard Int(entry.sampleIndex) < count else { throw .malformedSnapshot("hard mark of sample \(entry.sampleIndex)") }
            hardMarks[Int(entry.sampleIndex)] = try HardMark(entry.mark)
        }

        var entry = 0, boxCursor = 0, scoreCursor = 0
        let nameIndexes = snapshot.labelNameIndexes, annotatorIndexes = snapshot.labelAnnotatorIndexes
        let flags = snapshot.labelFlags, boxes = snapshot.labelBoxes, scores = snapshot.labelScores

        func labels(_ n: UInt32) throws(DomainError) -> [SampleLabel] {
            guard n > 0 else { return [] }
            guard entry + Int(n) <= entries else { throw .malformedSnapshot("label entries run out") }
            var result: [SampleLabel] = []
            result.reserveCapacity(Int(n))
            for _ in 0..<n {
                let nameIndex = Int(nameIndexes[entry]), annotatorIndex = Int(annotatorIndexes[entry])
                guard nameIndex < strings.count, annotatorIndex < annotators.count else {
                    throw .malformedSnapshot("label entry \(entry) points outside its tables")
                }
                var box: BoundingBox?
                var score: Double?
                if flags[entry] & hasBox != 0 {
                    guard boxCursor + 4 <= boxes.count else { throw .malformedSnapshot("boxes run out") }
                    box = BoundingBox(
                        x1: boxes[boxCursor], y1: boxes[boxCursor + 1], x2: boxes[boxCursor + 2], y2: boxes[boxCursor + 3])
                    boxCursor += 4
                }
                if flags[entry] & hasScore != 0 {
                    guard scoreCursor < scores.count else { throw .malformedSnapshot("scores run out") }
                    score = try .decoded(scores[scoreCursor], "score of label entry \(entry)")
                    scoreCursor += 1
                }
                result.append(SampleLabel(name: strings[nameIndex], box: box, score: score, annotator: annotators[annotatorIndex]))
                entry += 1
            }
            return result
        }

        state.samples.reserveCapacity(count)
        for i in 0..<count {
            guard let sampleState = SampleState(rawValue: Int(snapshot.sampleStates[i])) else {
                throw .malformedSnapshot("sample state \(snapshot.sampleStates[i])")
            }
            let record = SampleRecord(
                name: snapshot.sampleNames[i], state: sampleState, labels: try labels(snapshot.sampleLabelCounts[i]),
                predictedLabels: try labels(snapshot.samplePredictionCounts[i]), hardMark: hardMarks[i],
                width: snapshot.sampleWidths[i], height: snapshot.sampleHeights[i], channels: snapshot.sampleChannels[i])
            guard state.samples.updateValue(record, forKey: SampleID(snapshot.sampleIds[i])) == nil else {
                throw .malformedSnapshot("sample '\(snapshot.sampleIds[i])' appears twice")
            }
        }
        guard entry == entries, boxCursor == boxes.count, scoreCursor == scores.count else {
            throw .malformedSnapshot("unused label entries")
        }

        for proto in snapshot.tasks {
            let task = try TaskRecord(snapshot: proto)
            state.tasks[task.id] = task
        }
        state.activeTaskID = snapshot.activeTaskID.isEmpty ? nil : TaskID(snapshot.activeTaskID)
        if snapshot.hasContinuousAutoLabeling {
            state.continuousAutoLabeling = try ContinuousAutoLabelingConfigured(snapshot.continuousAutoLabeling)
        }
        if let active = state.activeTaskID, state.tasks[active] == nil {
            throw .malformedSnapshot("active task '\(active)' is not among the tasks")
        }
        return state.recountedCounters()
    }
}

// MARK: - Tasks

extension TaskRecord {
    var snapshot: Labelledger_Domain_TaskSnapshot {
        var p = Labelledger_Domain_TaskSnapshot()
        p.taskID = id.rawValue
        p.taskType = type.proto
        p.algorithm = algorithm.proto
        if let model { p.model = model.proto }
        p.targetAccuracy = targetAccuracy
        p.status = Int32(status.rawValue)
        p.requestedBy = requestedBy
        p.queuedAtMicros = queuedAt.micros
        if let startedAt { p.startedAtMicros = startedAt.micros }
        if let endedAt { p.endedAtMicros = endedAt.micros }
        if let progress {
            p.progress.processed = progress.processed
            p.progress.total = progress.total
            p.progress.percent = progress.percent
            p.progress.phase = progress.phase.proto
            p.progress.atMicros = progress.at.micros
        }
        p.metrics = metrics
        if let failure {
            p.failure.code = failure.code
            p.failure.message = failure.message
        }
        if let result { p.result = TaskSucceeded(taskID: id, counts: result, at: endedAt ?? queuedAt).proto }
        if let stopRequestedBy { p.stopRequestedBy = stopRequestedBy }
        p.autoLabeledSampleIds = autoLabeledSamples.map(\.rawValue).sorted()
        p.hardExamplesFound = hardExamplesFound
        return p
    }

    init(snapshot p: Labelledger_Domain_TaskSnapshot) throws(DomainError) {
        guard let status = TaskStatus(rawValue: Int(p.status)) else { throw .malformedSnapshot("task status \(p.status)") }
        self.init(
            id: TaskID(p.taskID), type: try .from(p.taskType, field: "task_type"),
            algorithm: try .from(p.algorithm, field: "algorithm"), model: p.hasModel ? ModelRef(p.model) : nil,
            targetAccuracy: try .decoded(p.targetAccuracy, "target accuracy"), requestedBy: p.requestedBy, status: status,
            queuedAt: Instant(micros: p.queuedAtMicros))
        startedAt = p.hasStartedAtMicros ? Instant(micros: p.startedAtMicros) : nil
        endedAt = p.hasEndedAtMicros ? Instant(micros: p.endedAtMicros) : nil
        if p.hasProgress {
            progress = Progress(
                processed: p.progress.processed, total: p.progress.total,
                percent: try .decoded(p.progress.percent, "percent"),
                phase: try .from(p.progress.phase, field: "phase"), at: Instant(micros: p.progress.atMicros))
        }
        metrics = try .decoded(p.metrics)
        if p.hasFailure { failure = Failure(code: p.failure.code, message: p.failure.message) }
        if p.hasResult { result = TaskSucceeded(p.result).counts }
        stopRequestedBy = p.hasStopRequestedBy ? p.stopRequestedBy : nil
        autoLabeledSamples = Set(p.autoLabeledSampleIds.map(SampleID.init(rawValue:)))
        hardExamplesFound = p.hardExamplesFound
    }
}
