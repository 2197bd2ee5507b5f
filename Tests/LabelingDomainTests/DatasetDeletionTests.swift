import Foundation
import LabelingDomain
import Testing

@Suite struct DatasetDeletionTests {
    /// A classification dataset with 3 samples: one labeled, one marked hard, one unlabeled.
    static func populated() throws -> Harness {
        var harness = try Harness.classification(samples: 3)
        try harness.labelByHand(["s0"], "cat")
        try harness.run(.markHard(["s1"], reasonCodes: [1], coefficient: 0.5, by: "ana"))
        return harness
    }

    @Test func deleting_a_dataset_records_what_it_held_who_deleted_it_and_when() throws {
        var harness = try Self.populated()
        let decision = try harness.run(.deleteDataset(by: "ada", at: at(9)))
        #expect(decision.events == [.datasetDeleted(DatasetDeleted(name: "pets", sampleCount: 3, by: "ada", at: at(9)))])
        #expect(harness.state.isDeleted)
        #expect(!harness.state.exists)
        #expect(harness.state.deletion?.by == "ada")
    }

    @Test func a_deleted_state_has_no_samples_and_its_counters_match_a_recount() throws {
        var harness = try Self.populated()
        try harness.run(.deleteDataset(by: "ada", at: at(9)))
        #expect(harness.state.samples.isEmpty)
        #expect(harness.state.sampleCounts.total == 0)
        #expect(harness.state.hardSampleCount == 0)
        #expect(harness.state.labelUsage["cat"]?.isInUse == false)
        #expect(invariantViolations(harness.state).isEmpty)
        // The identity stays, for messages and audits.
        #expect(harness.state.isCreated)
        #expect(harness.state.name == "pets")
        #expect(harness.state.labels.map(\.name) == ["cat", "dog"])
    }

    @Test(arguments: [
        DatasetCommand.addLabels([label("bird")], by: "ana"),
        .renameLabel(from: "cat", to: "kitten", by: "ana"),
        .deleteLabel(name: "dog", stripFromSamples: true, by: "ana"),
        .addSamples([newSample("s9")], by: "ana"),
        .deleteSamples(["s0"], by: "ana"),
        .updateSampleLabels([SampleLabelUpdate(sampleID: "s2", labels: [ManualLabel(name: "dog")])], by: "ana"),
        .confirmSamples([SampleConfirmation(sampleID: "s0")], by: "ana"),
        .rejectSamples(["s0"], by: "ana"),
        .markHard(["s0"], reasonCodes: [1], coefficient: 1, by: "ana"),
        .clearHard(["s1"], by: "ana"),
        .requestAutoLabeling(taskID: "t9", type: .autoLabel, algorithm: .fast, model: nil, targetAccuracy: nil, by: "ana", at: at(10)),
        .requestStop("t1", by: "ana", at: at(10)),
        .deleteDataset(by: "ada", at: at(10)),
    ])
    func every_command_on_a_deleted_dataset_is_refused_naming_the_deletion(command: DatasetCommand) throws {
        var harness = try Self.populated()
        try harness.run(.deleteDataset(by: "ada", at: at(9)))
        let refusal = harness.refusal(command)
        #expect(refusal == .datasetDeleted("ds-1", by: "ada", at: at(9)))
        #expect(refusal?.code == "LabelLedger.1046")
        #expect(refusal?.httpStatus == 404)
        #expect(refusal?.message.contains("deleted by ada") == true)
    }

    @Test func a_deleted_datasets_id_is_never_created_again() throws {
        var harness = try Self.populated()
        try harness.run(.deleteDataset(by: "ada", at: at(9)))
        let refusal = harness.refusal(
            .createDataset(id: "ds-1", name: "pets", typeCode: 0, labels: [], description: "", by: "ana", at: at(10)))
        #expect(refusal == .datasetDeleted("ds-1", by: "ada", at: at(9)))
        #expect(harness.log.count == 5, "nothing appended after the deletion")
    }

    @Test func a_new_dataset_may_take_the_name_of_a_deleted_one() throws {
        var harness = try Self.populated()
        try harness.run(.deleteDataset(by: "ada", at: at(9)))
        var other = Harness()
        try other.run(.createDataset(id: "ds-2", name: "pets", typeCode: 0, labels: [], description: "", by: "ana", at: at(10)))
        #expect(other.state.exists)
    }

    @Test func deletion_is_refused_while_an_auto_labeling_task_is_queued() throws {
        var harness = try Harness.classification(samples: 13)
        try harness.labelByHand((0..<5).map { "s\($0)" }, "cat")
        try harness.labelByHand((5..<10).map { "s\($0)" }, "dog")
        try harness.run(.requestAutoLabeling(taskID: "t1", type: .autoLabel, algorithm: .fast, model: nil, targetAccuracy: nil, by: "ana", at: at(1)))
        let refusal = harness.refusal(.deleteDataset(by: "ada", at: at(2)))
        #expect(refusal == .datasetHasActiveTask(task: "t1", status: .queuing))
        #expect(refusal?.code == "LabelLedger.1047")
        #expect(refusal?.httpStatus == 409)
        #expect(refusal?.message.contains("'t1'") == true)
    }

    @Test func deletion_is_refused_while_a_task_runs_or_is_stopping() throws {
        var harness = try Harness.withRunningTask()
        #expect(harness.refusal(.deleteDataset(by: "ada", at: at(5))) == .datasetHasActiveTask(task: "t1", status: .running))
        try harness.run(.requestStop("t1", by: "ana", at: at(6)))
        #expect(harness.refusal(.deleteDataset(by: "ada", at: at(7))) == .datasetHasActiveTask(task: "t1", status: .stopping))
    }

    @Test func deletion_is_accepted_once_the_task_has_stopped() throws {
        var harness = try Harness.withRunningTask()
        try harness.run(.requestStop("t1", by: "ana", at: at(6)))
        try harness.run(.markStopped("t1", at: at(7)))
        try harness.run(.deleteDataset(by: "ada", at: at(8)))
        #expect(harness.state.isDeleted)
        #expect(harness.state.tasks["t1"]?.status == .stopped, "the task history stays")
    }

    @Test func deletion_needs_an_actor() throws {
        var harness = try Self.populated()
        #expect(harness.refusal(.deleteDataset(by: " ", at: at(9))) == .invalidActor(" "))
    }

    @Test func deleting_a_dataset_that_never_existed_is_refused_with_not_found() {
        #expect(throws: DomainError.datasetNotFound) { try decide(.deleteDataset(by: "ada", at: t0), state: nil) }
    }

    @Test func a_deleted_state_survives_a_snapshot() throws {
        var harness = try Self.populated()
        try harness.run(.deleteDataset(by: "ada", at: at(9)))
        let decoded = try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(harness.state))
        #expect(decoded == harness.state)
        #expect(decoded.deletion == DatasetDeleted(name: "pets", sampleCount: 3, by: "ada", at: at(9)))
    }

    @Test func replaying_the_stream_up_to_before_the_deletion_gives_the_dataset_as_it_was() throws {
        var harness = try Self.populated()
        let before = harness.state
        try harness.run(.deleteDataset(by: "ada", at: at(9)))
        var replayed = DatasetState()
        for event in harness.log.dropLast() { evolve(&replayed, event) }
        replayed.version = before.version
        #expect(replayed == before)
        #expect(replayed.samples.count == 3)
    }
}
