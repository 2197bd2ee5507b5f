import Foundation
import LabelingDomain
import Testing

@Suite struct DatasetSnapshotCodecTests {
    /// A detection dataset with samples in every state, hard marks of both
    /// origins, and tasks in several statuses (one active).
    static func richState() throws -> DatasetState {
        var harness = try Harness.detection(samples: 0)
        try harness.run(.addSamples((0..<8).map { newSample("s\($0)") }, by: "ana"))
        try harness.run(.updateSampleLabels([
            SampleLabelUpdate(sampleID: "s0", labels: [ManualLabel(name: "car", box: box(0, 0, 10, 10)), ManualLabel(name: "person", box: box(5, 5, 20, 30))]),
            SampleLabelUpdate(sampleID: "s1", labels: [ManualLabel(name: "car", box: box(1, 1, 2, 2))]),
        ], by: "ana"))
        let model = ModelRef(name: "yolo", version: "8")
        try harness.register(model, type: .objectDetection)
        try harness.run(.requestAutoLabeling(taskID: "old", type: .preLabel, algorithm: .fast, model: model, targetAccuracy: nil, by: "ana", at: at(1)))
        try harness.run(.failTask("old", code: "E", message: "m", at: at(2)))
        try harness.run(.requestAutoLabeling(taskID: "t1", type: .preLabel, algorithm: .fast, model: model, targetAccuracy: 0.8, by: "ana", at: at(3)))
        try harness.run(.startTask("t1", at: at(4)))
        try harness.run(.runTask("t1", at: at(5)))
        try harness.run(.reportProgress("t1", processed: 1, total: 4, percent: 25, phase: .labeling, at: at(6)))
        try harness.run(.finishTraining("t1", metrics: ["loss": 0.5], at: at(6)))
        try harness.run(.recordAutoLabels("t1", [
            SamplePrediction(sampleID: "s2", labels: [PredictedLabel(name: "car", box: box(3, 3, 9, 9), score: 0.4)]),
            SamplePrediction(sampleID: "s3", labels: [PredictedLabel(name: "person", box: box(0, 0, 100, 80), score: 0.99)]),
        ]))
        try harness.run(.recordHardExamples("t1", [HardExampleReport(sampleID: "s2", reasonCodes: [1, 11], coefficient: 0.6)]))
        try harness.run(.markHard(["s4"], reasonCodes: [30], coefficient: 0.1, by: "bob"))
        return harness.state
    }

    @Test func a_snapshot_decodes_into_an_equal_state() throws {
        let state = try Self.richState()
        let decoded = try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(state))
        #expect(decoded == state)
        #expect(decoded.version == state.version)
        #expect(decoded.activeTaskID == "t1")
        #expect(decoded.tasks["t1"]?.autoLabeledSamples == ["s2", "s3"])
    }

    @Test func the_empty_state_round_trips() throws {
        #expect(try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(DatasetState())) == DatasetState())
    }

    @Test func a_snapshot_of_another_state_format_is_refused() throws {
        var bytes = DatasetSnapshotCodec.encode(try Self.richState())
        // Field 1 (state_format_version) is written first: tag 0x08, then the varint.
        #expect(bytes.first == 0x08)
        #expect(bytes[bytes.startIndex + 1] == UInt8(DatasetSnapshotCodec.stateFormatVersion))
        bytes[bytes.startIndex + 1] = 0x63  // 99
        #expect(throws: DomainError.snapshotFormatMismatch(found: 99, expected: DatasetSnapshotCodec.stateFormatVersion)) {
            try DatasetSnapshotCodec.decode(bytes)
        }
    }

    @Test func garbage_is_a_malformed_snapshot() {
        #expect(throws: DomainError.self) { try DatasetSnapshotCodec.decode(Data([0x08, 0x01, 0xA2, 0x01, 0x05])) }
        do {
            _ = try DatasetSnapshotCodec.decode(Data([0xFF, 0xFF]))
            Issue.record("decoded garbage")
        } catch {
            #expect(error.code == "LabelLedger.1042")
        }
    }

    /// Found by Fuzz/FuzzDatasetSnapshot (input in its regressions/label-defined-twice): a
    /// snapshot defining the label '1' twice trapped in `Dictionary(uniqueKeysWithValues:)`
    /// while recounting; no event stream defines a name twice, so it is malformed.
    @Test func a_snapshot_defining_a_label_twice_is_malformed_not_a_crash() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/FuzzDatasetSnapshot/regressions/label-defined-twice").standardized
        #expect(throws: DomainError.malformedSnapshot("label '1' is defined twice")) {
            try DatasetSnapshotCodec.decode(try Data(contentsOf: url))
        }
    }

    @Test func a_large_state_encodes_and_decodes_quickly() throws {
        // 1,000,000 samples with LABELLEDGER_BIG_SNAPSHOT=1 (run it in release:
        // `swift test -c release --filter a_large_state`); 50,000 otherwise.
        let big = ProcessInfo.processInfo.environment["LABELLEDGER_BIG_SNAPSHOT"] == "1"
        let count = big ? 1_000_000 : 50_000
        var state = DatasetState()
        evolve(&state, .datasetCreated(DatasetCreated(datasetID: "big", name: "big", type: .imageClassification, labels: [label("cat"), label("dog")], description: "", createdBy: "a", createdAt: t0)))
        let samples = (0..<count).map { i in
            newSample("s\(i)", labels: i % 3 == 0 ? [] : [human(i % 2 == 0 ? "cat" : "dog")])
        }
        evolve(&state, .samplesAdded(SamplesAdded(samples: samples, by: "a")))
        let clock = ContinuousClock()
        var data = Data()
        var decoded = DatasetState()
        let elapsed = try clock.measure {
            data = DatasetSnapshotCodec.encode(state)
            decoded = try DatasetSnapshotCodec.decode(data)
        }
        print("snapshot of \(count) samples: \(data.count) bytes, encode+decode \(elapsed)")
        #expect(decoded.samples.count == count)
        #expect(decoded.sampleCounts == state.sampleCounts)
        #expect(decoded == state)
        if big { #expect(elapsed < .seconds(4)) }
    }
}
