import LabelingDomain
import Testing

@Suite struct AutoLabelRecordingTests {
    func predict(_ id: SampleID, _ name: String = "cat", score: Double = 0.8, box: BoundingBox? = nil) -> SamplePrediction {
        SamplePrediction(sampleID: id, labels: [PredictedLabel(name: name, box: box, score: score)])
    }

    @Test func auto_labeled_samples_go_to_be_confirmed_with_predictions_and_scores() throws {
        var harness = try Harness.withRunningTask(unlabeled: 2)
        let decision = try harness.run(.recordAutoLabels("t1", [predict("s10"), predict("s11", "dog", score: 0.55)]))
        #expect(decision.results.allSatisfy { $0.success })
        #expect(decision.events == [
            .samplesAutoLabeled(SamplesAutoLabeled(taskID: "t1", model: nil, samples: [
                AutoLabeledSample(sampleID: "s10", labels: [SampleLabel(name: "cat", score: 0.8, annotator: .activeLearning("t1"))]),
                AutoLabeledSample(sampleID: "s11", labels: [SampleLabel(name: "dog", score: 0.55, annotator: .activeLearning("t1"))]),
            ]))
        ])
        #expect(harness.state.samples["s10"]?.state == .toBeConfirmed)
        #expect(harness.state.sampleCounts.toBeConfirmed == 2)
        #expect(harness.state.sampleCounts.unlabeled == 0)
        #expect(harness.state.labelUsage["dog"]?.pendingSamples == 1)
    }

    @Test func pre_label_predictions_are_attributed_to_the_model() throws {
        var harness = try Harness.withRunningTask(unlabeled: 1, type: .preLabel)
        let decision = try harness.run(.recordAutoLabels("t1", [predict("s10")]))
        guard case .samplesAutoLabeled(let e) = decision.events.first else { Issue.record("no event"); return }
        #expect(e.model == ModelRef(name: "resnet", version: "1"))
        #expect(e.samples[0].labels[0].annotator == .preLabelModel(name: "resnet", version: "1"))
    }

    @Test func a_sample_labeled_by_a_person_meanwhile_is_skipped_and_reported() throws {
        var harness = try Harness.withRunningTask(unlabeled: 2)
        try harness.labelByHand(["s10"], "dog")
        let decision = try harness.run(.recordAutoLabels("t1", [predict("s10"), predict("s11")]))
        #expect(decision.results[0].error == .sampleNotUnlabeled(sample: "s10", state: .labeled))
        #expect(decision.results[1].success)
        #expect(harness.state.samples["s10"]?.labels == [SampleLabel(name: "dog", annotator: .human("ana"))])
    }

    @Test func the_same_sample_twice_in_one_task_is_refused() throws {
        var harness = try Harness.withRunningTask(unlabeled: 1)
        try harness.run(.recordAutoLabels("t1", [predict("s10")]))
        try harness.run(.rejectSamples(["s10"], by: "bob"))
        let again = try harness.run(.recordAutoLabels("t1", [predict("s10")]))
        #expect(again.results[0].error == .sampleAlreadyAutoLabeledByTask(sample: "s10", task: "t1"))
        let twiceInBatch = try harness.run(.recordAutoLabels("t1", [predict("s0"), predict("s0")]))
        #expect(twiceInBatch.results[1].error == .duplicateSampleInBatch("s0"))
    }

    @Test func predictions_are_validated() throws {
        var harness = try Harness.withRunningTask(unlabeled: 4)
        let decision = try harness.run(.recordAutoLabels("t1", [
            predict("s10", "cow"),
            predict("s11", score: 1.5),
            predict("s12", box: box(0, 0, 5, 5)),
            SamplePrediction(sampleID: "s13", labels: []),
            predict("ghost"),
        ]))
        #expect(decision.results.map(\.errorCode) == [
            "LabelLedger.1018", "LabelLedger.1022", "LabelLedger.1019", "LabelLedger.1043", "LabelLedger.1012",
        ])
        #expect(decision.events.isEmpty)
    }

    @Test func results_come_only_from_a_running_task() throws {
        var harness = try Harness.withRunningTask(unlabeled: 1)
        try harness.run(.succeedTask("t1", counts: TaskResultCounts(totalSamples: 0, autoLabeledSamples: 0, hardExamples: 0, flattenedRGBAImages: 0), at: at(9)))
        #expect(harness.refusal(.recordAutoLabels("t1", [predict("s10")])) == .taskNotRunning(task: "t1", status: .succeeded))
        #expect(harness.refusal(.recordHardExamples("t1", [HardExampleReport(sampleID: "s10", reasonCodes: [1], coefficient: 0.5)]))
            == .taskNotRunning(task: "t1", status: .succeeded))
    }

    @Test func hard_examples_from_a_task_mark_samples_with_the_task_as_origin() throws {
        var harness = try Harness.withRunningTask(unlabeled: 1)
        let decision = try harness.run(.recordHardExamples("t1", [
            HardExampleReport(sampleID: "s10", reasonCodes: [1, 2], coefficient: 0.9),
            HardExampleReport(sampleID: "s0", reasonCodes: [31], coefficient: 0.9),
            HardExampleReport(sampleID: "s1", reasonCodes: [1], coefficient: 2),
        ]))
        #expect(decision.results[1].error == .invalidHardReason(31))
        #expect(decision.results[2].error == .invalidHardCoefficient(2))
        #expect(harness.state.samples["s10"]?.hardMark == HardMark(reasons: [.lowConfidence, .clusteringDisagrees], coefficient: 0.9, origin: .task("t1")))
        #expect(harness.state.tasks["t1"]?.hardExamplesFound == 1)
    }

    @Test func a_finished_task_forgets_its_per_sample_bookkeeping() throws {
        var harness = try Harness.withRunningTask(unlabeled: 1)
        try harness.run(.recordAutoLabels("t1", [predict("s10")]))
        #expect(harness.state.tasks["t1"]?.autoLabeledSamples == ["s10"])
        try harness.run(.failTask("t1", code: "E", message: "m", at: at(9)))
        #expect(harness.state.tasks["t1"]?.autoLabeledSamples == [])
    }
}
