import Foundation
@testable import LabelingDomain
import Testing

/// No NaN enters the log or a snapshot, and none is read from one: the decider refuses a NaN
/// metric (`LabelLedger.1250`; scores, coefficients, percentages and the target accuracy were
/// already range-checked), and decoding refuses a NaN anywhere in an event or a snapshot as
/// malformed (`LabelLedger.1040` / `1042`). Before, Fuzz/FuzzDomainEvent found events that
/// decoded with a NaN and so never equalled their own re-encoding (a state holding one never
/// equals its replay); inputs in Fuzz/FuzzDomainEvent/regressions.
@Suite struct NotANumberTests {
    /// A saved fuzzer input of FuzzDomainEvent: byte 0 picks the type among the sorted
    /// type names, byte 1 the schema version (mod 4), the rest is the payload.
    static func fuzzerEvent(_ name: String) throws -> (type: String, version: UInt32, payload: Data) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/FuzzDomainEvent/regressions/\(name)").standardized
        let bytes = try Data(contentsOf: url)
        let types = DomainEvent.currentSchemaVersions.keys.sorted()
        return (types[Int(bytes[0]) % types.count], UInt32(bytes[1] % 4), bytes.dropFirst(2))
    }

    static func expectNaNRefused(_ type: String, _ version: UInt32, _ payload: Data) {
        do {
            let event = try DomainEvent.decode(type: type, schemaVersion: version, payload: payload)
            Issue.record("decoded \(event)")
        } catch {
            guard case .malformedPayload(let named, let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(named == type)
            #expect(reason.contains("NaN"), "\(reason)")
            #expect(error.code == "LabelLedger.1040")
        }
    }

    @Test(arguments: [("nan-metric", "TaskTrainingFinished"), ("nan-hard-coefficient", "HardExamplesDetected")])
    func the_fuzzer_s_events_are_malformed_not_unequal_to_themselves(input: String, type: String) throws {
        let (decodedType, version, payload) = try Self.fuzzerEvent(input)
        #expect(decodedType == type)
        Self.expectNaNRefused(decodedType, version, payload)
    }

    /// Every number an event carries, NaN in turn, as the encoder would write it.
    @Test func a_nan_in_any_number_of_an_event_is_refused() {
        let nan = Double.nan
        let label = SampleLabel(name: "cat", score: nan, annotator: .activeLearning("t1"))
        let events: [DomainEvent] = [
            .taskTrainingFinished(TaskTrainingFinished(taskID: "t1", metrics: ["accuracy": 0.9, "loss": nan], at: t0)),
            .taskProgressed(TaskProgressed(taskID: "t1", processed: 1, total: 2, percent: nan, phase: .labeling, at: t0)),
            .autoLabelTaskQueued(AutoLabelTaskQueued(
                taskID: "t1", taskType: .autoLabel, algorithm: .fast, model: nil, targetAccuracy: nan, requestedBy: "ana", at: t0)),
            .samplesMarkedHard(SamplesMarkedHard(sampleIDs: ["s1"], reasons: [.lowConfidence], coefficient: nan, by: "ana")),
            .hardExamplesDetected(HardExamplesDetected(
                taskID: "t1", samples: [HardExampleFinding(sampleID: "s1", reasons: [.lowConfidence], coefficient: nan)])),
            .samplesAutoLabeled(SamplesAutoLabeled(
                taskID: "t1", model: nil, samples: [AutoLabeledSample(sampleID: "s1", labels: [label])])),
        ]
        for event in events {
            let (type, version, payload) = event.encode()
            Self.expectNaNRefused(type, version, payload)
        }
    }

    @Test func infinities_and_ordinary_numbers_still_round_trip() throws {
        let event = DomainEvent.taskTrainingFinished(
            TaskTrainingFinished(taskID: "t1", metrics: ["margin_threshold": .infinity, "loss": -0.0, "accuracy": 0.9], at: t0))
        let (type, version, payload) = event.encode()
        #expect(try DomainEvent.decode(type: type, schemaVersion: version, payload: payload) == event)
    }

    @Test func the_decider_refuses_a_nan_metric_naming_it() throws {
        var harness = try Harness.withRunningTask()
        #expect(throws: DomainError.invalidMetric(name: "loss")) {
            try harness.run(.finishTraining("t1", metrics: ["accuracy": 0.9, "loss": .nan, "zeta": .nan], at: at(4)))
        }
        #expect(DomainError.invalidMetric(name: "loss").code == "LabelLedger.1250")
        #expect(DomainError.invalidMetric(name: "loss").message.contains("'loss'"))
        try harness.run(.finishTraining("t1", metrics: ["accuracy": 0.9, "margin_threshold": .infinity], at: at(4)))
    }

    @Test func a_snapshot_with_a_nan_score_or_metric_is_malformed() throws {
        var harness = try Harness.withRunningTask()
        try harness.run(.finishTraining("t1", metrics: ["accuracy": 0.9], at: at(4)))
        try harness.run(.recordAutoLabels("t1", [SamplePrediction(sampleID: "s10", labels: [PredictedLabel(name: "cat", score: 0.5)])]))

        var scored = harness.state
        scored.samples["s10"]!.predictedLabels[0].score = .nan
        #expect(throws: DomainError.self) { try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(scored)) }
        do {
            _ = try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(scored))
        } catch {
            #expect(error.code == "LabelLedger.1042")
            #expect(error.message.contains("NaN"), "\(error)")
        }

        var measured = harness.state
        measured.tasks["t1"]!.metrics["loss"] = .nan
        #expect(throws: DomainError.malformedSnapshot("metric 'loss' is NaN")) {
            try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(measured))
        }
        // Without the NaN, the same state round-trips.
        #expect(try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(harness.state)) == harness.state)
    }
}
