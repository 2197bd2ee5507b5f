import Foundation
import LabelingDomain
import Testing

/// One event of every type, with optional fields both set and unset somewhere.
let everyEvent: [DomainEvent] = {
    let machine = SampleLabel(name: "car", box: box(1, 2, 30, 40), score: 0.875, annotator: .activeLearning("t1"))
    let model = SampleLabel(name: "car", box: box(0, 0, 5, 5), score: 0, annotator: .preLabelModel(name: "yolo", version: "8"))
    let person = human("cat")
    return [
        .datasetCreated(DatasetCreated(datasetID: "ds", name: "n", type: .objectDetection, labels: [label("car"), label("bus", "#00ff00")], description: "street scenes", createdBy: "ana", createdAt: t0)),
        .labelsAdded(LabelsAdded(labels: [label("truck")], by: "ana")),
        .labelRenamed(LabelRenamed(oldName: "truck", newName: "lorry", by: "ana")),
        .labelDeleted(LabelDeleted(name: "lorry", strippedSamples: ["s1", "s2"], by: "ana")),
        .samplesAdded(SamplesAdded(samples: [newSample("s1", labels: [person]), NewSample(id: "s2", name: "b.png", sourcePath: "/b.png", width: 7, height: 9, channels: 4, contentSHA256: sha(2), usage: nil)], by: "importer")),
        .samplesDeleted(SamplesDeleted(samples: [DeletedSample(id: "s1", name: "a", previousState: .toBeConfirmed, previousLabels: [machine])], by: "ana")),
        .sampleLabelsReplaced(SampleLabelsReplaced(samples: [LabelReplacement(sampleID: "s1", previousState: .labeled, previousLabels: [person], newLabels: [])], by: "ana")),
        .samplesConfirmed(SamplesConfirmed(samples: [ConfirmedSample(sampleID: "s1", confirmedLabels: [person], predictedLabels: [machine, model])], by: "bob")),
        .samplesRejected(SamplesRejected(samples: [RejectedSample(sampleID: "s1", rejectedLabels: [model])], by: "bob")),
        .samplesMarkedHard(SamplesMarkedHard(sampleIDs: ["s1", "s2"], reasons: [.lowConfidence, .predictedAbnormal], coefficient: 0.25, by: "bob")),
        .hardMarksCleared(HardMarksCleared(sampleIDs: ["s2"], by: "bob")),
        .autoLabelTaskQueued(AutoLabelTaskQueued(taskID: "t1", taskType: .preLabel, algorithm: .accurate, model: ModelRef(name: "yolo", version: "8"), targetAccuracy: 0.9, requestedBy: "ana", at: at(1))),
        .taskStarted(TaskStarted(taskID: "t1", at: at(2))),
        .taskRunning(TaskRunning(taskID: "t1", at: at(3))),
        .taskProgressed(TaskProgressed(taskID: "t1", processed: 5, total: 10, percent: 50, phase: .resultProcessing, at: at(4))),
        .taskTrainingFinished(TaskTrainingFinished(taskID: "t1", metrics: ["accuracy": 0.93, "loss": 0.21, "temperature": 1.7], at: at(5))),
        .samplesAutoLabeled(SamplesAutoLabeled(taskID: "t1", model: nil, samples: [AutoLabeledSample(sampleID: "s2", labels: [machine])])),
        .hardExamplesDetected(HardExamplesDetected(taskID: "t1", samples: [HardExampleFinding(sampleID: "s2", reasons: [.noTargetIdentified], coefficient: 1)])),
        .taskSucceeded(TaskSucceeded(taskID: "t1", counts: TaskResultCounts(totalSamples: 10, autoLabeledSamples: 8, hardExamples: 2, flattenedRGBAImages: 1, skippedSamples: [SkippedSample(sampleID: "s3", reason: "not a PNG or JPEG file")]), at: at(6))),
        .taskFailed(TaskFailed(taskID: "t1", code: "E42", message: "no GPU", at: at(7))),
        .taskStopRequested(TaskStopRequested(taskID: "t1", by: "ana", at: at(8))),
        .taskStopped(TaskStopped(taskID: "t1", at: at(9))),
        .continuousAutoLabelingConfigured(ContinuousAutoLabelingConfigured(newSamples: 25, algorithm: .accurate, by: "ana", at: at(11))),
        .datasetDeleted(DatasetDeleted(name: "n", sampleCount: 2, by: "ada", at: at(11))),
        .modelRegistered(ModelRegistered(model: ModelRef(name: "yolo", version: "8"), type: .objectDetection, commandLine: ["/opt/yolo", "--fast"], timeoutSeconds: 600, by: "ops", at: at(10))),
    ]
}()

@Suite struct DomainEventCodecTests {
    @Test func every_event_type_is_covered_by_the_round_trip_fixture() {
        #expect(Set(everyEvent.map(\.typeName)) == Set(DomainEvent.currentSchemaVersions.keys))
        #expect(everyEvent.count == DomainEvent.currentSchemaVersions.count)
    }

    @Test(arguments: everyEvent)
    func every_event_survives_encode_then_decode(event: DomainEvent) throws {
        let (type, version, payload) = event.encode()
        #expect(type == event.typeName)
        #expect(version == event.schemaVersion)
        #expect(try DomainEvent.decode(type: type, schemaVersion: version, payload: payload) == event)
    }

    @Test func encoding_is_deterministic() {
        let event = everyEvent.first { $0.typeName == "TaskTrainingFinished" }!
        let bytes = (0..<20).map { _ in event.encode().payload }
        #expect(Set(bytes).count == 1)
    }

    @Test func type_names_are_the_stable_strings() {
        #expect(everyEvent.map(\.typeName).prefix(5) == ["DatasetCreated", "LabelsAdded", "LabelRenamed", "LabelDeleted", "SamplesAdded"])
    }

    @Test func an_unknown_type_is_refused() {
        #expect(throws: DomainError.unknownEventType("SampleTeleported")) {
            try DomainEvent.decode(type: "SampleTeleported", schemaVersion: 1, payload: Data())
        }
    }

    @Test(arguments: [UInt32(0), 3, 99])
    func schema_versions_never_written_are_refused(version: UInt32) {
        #expect(throws: DomainError.unsupportedSchemaVersion(type: "AutoLabelTaskQueued", version: version)) {
            try DomainEvent.decode(type: "AutoLabelTaskQueued", schemaVersion: version, payload: Data())
        }
    }

    @Test func garbage_bytes_are_a_malformed_payload_naming_the_type() {
        do {
            _ = try DomainEvent.decode(type: "SamplesAdded", schemaVersion: 1, payload: Data([0xFF, 0xFF, 0xFF]))
            Issue.record("decoded garbage")
        } catch {
            guard case .malformedPayload(let type, _) = error else { Issue.record("\(error)"); return }
            #expect(type == "SamplesAdded")
            #expect(error.code == "LabelLedger.1040")
        }
    }

    @Test func an_out_of_range_hard_reason_in_a_payload_is_malformed() throws {
        var event = SamplesMarkedHard(sampleIDs: ["s"], reasons: [.lowConfidence], coefficient: 1, by: "a")
        let good = DomainEvent.samplesMarkedHard(event).encode().payload
        event.reasons = []
        // field 2 (reasons), packed: tag 0x12, length 1, value 77
        let bad = DomainEvent.samplesMarkedHard(event).encode().payload + Data([0x12, 0x01, 77])
        #expect(throws: Never.self) { try DomainEvent.decode(type: "SamplesMarkedHard", schemaVersion: 1, payload: good) }
        #expect((try? DomainEvent.decode(type: "SamplesMarkedHard", schemaVersion: 1, payload: bad)) == nil)
    }
}
