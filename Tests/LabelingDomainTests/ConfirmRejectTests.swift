import LabelingDomain
import Testing

@Suite struct ConfirmRejectTests {
    /// s10, s11, s12 auto-labeled "cat" (score 0.9) by running task t1.
    func autoLabeled() throws -> Harness {
        var harness = try Harness.withRunningTask(unlabeled: 3)
        try harness.run(.recordAutoLabels("t1", ["s10", "s11", "s12"].map {
            SamplePrediction(sampleID: SampleID($0), labels: [PredictedLabel(name: "cat", score: 0.9)])
        }))
        return harness
    }

    let predicted = SampleLabel(name: "cat", score: 0.9, annotator: .activeLearning("t1"))

    @Test func confirming_keeps_the_predictions_as_labels() throws {
        var harness = try autoLabeled()
        let decision = try harness.run(.confirmSamples([SampleConfirmation(sampleID: "s10")], by: "bob"))
        #expect(decision.events == [
            .samplesConfirmed(SamplesConfirmed(
                samples: [ConfirmedSample(sampleID: "s10", confirmedLabels: [predicted], predictedLabels: [predicted])],
                by: "bob"))
        ])
        #expect(harness.state.samples["s10"]?.state == .labeled)
        #expect(harness.state.samples["s10"]?.labels == [predicted])
        #expect(harness.state.labelUsage["cat"]?.labeledSamples == 6)
        #expect(harness.state.labelUsage["cat"]?.pendingSamples == 2)
    }

    @Test func confirming_with_corrections_records_both_the_correction_and_the_prediction() throws {
        var harness = try autoLabeled()
        let decision = try harness.run(.confirmSamples([SampleConfirmation(sampleID: "s11", correctedLabels: [ManualLabel(name: "dog")])], by: "bob"))
        let dog = SampleLabel(name: "dog", annotator: .human("bob"))
        #expect(decision.events == [
            .samplesConfirmed(SamplesConfirmed(
                samples: [ConfirmedSample(sampleID: "s11", confirmedLabels: [dog], predictedLabels: [predicted])], by: "bob"))
        ])
        #expect(harness.state.samples["s11"]?.labels == [dog])
    }

    @Test func corrections_are_validated_like_manual_labels() throws {
        var harness = try autoLabeled()
        let decision = try harness.run(.confirmSamples([
            SampleConfirmation(sampleID: "s10", correctedLabels: [ManualLabel(name: "cow")]),
            SampleConfirmation(sampleID: "s11", correctedLabels: []),
        ], by: "bob"))
        #expect(decision.results[0].error == .unknownLabelOnSample(sample: "s10", label: "cow"))
        #expect(decision.results[1].errorCode == "LabelLedger.1043")
        #expect(decision.events.isEmpty)
    }

    @Test(arguments: [SampleState.unlabeled, .labeled])
    func confirm_is_refused_outside_to_be_confirmed(state: SampleState) throws {
        var harness = try autoLabeled()
        let id: SampleID = state == .labeled ? "s0" : "s9"
        if state == .unlabeled { try harness.run(.updateSampleLabels([SampleLabelUpdate(sampleID: id, labels: [])], by: "ana")) }
        let decision = try harness.run(.confirmSamples([SampleConfirmation(sampleID: id)], by: "bob"))
        #expect(decision.results[0].error == .sampleNotToBeConfirmed(sample: id, state: state))
        #expect(decision.results[0].error?.httpStatus == 409)
    }

    @Test func rejecting_sends_samples_back_to_unlabeled_and_keeps_what_was_rejected() throws {
        var harness = try autoLabeled()
        let decision = try harness.run(.rejectSamples(["s12", "s0"], by: "bob"))
        #expect(decision.events == [
            .samplesRejected(SamplesRejected(samples: [RejectedSample(sampleID: "s12", rejectedLabels: [predicted])], by: "bob"))
        ])
        #expect(decision.results[1].error == .sampleNotToBeConfirmed(sample: "s0", state: .labeled))
        #expect(harness.state.samples["s12"]?.state == .unlabeled)
        #expect(harness.state.samples["s12"]?.predictedLabels == [])
        #expect(harness.state.labelUsage["cat"]?.pendingSamples == 2)
        #expect(invariantViolations(harness.state).isEmpty)
    }

    @Test func a_manual_update_of_a_to_be_confirmed_sample_replaces_its_predictions() throws {
        var harness = try autoLabeled()
        let decision = try harness.run(.updateSampleLabels([SampleLabelUpdate(sampleID: "s10", labels: [ManualLabel(name: "dog")])], by: "bob"))
        guard case .sampleLabelsReplaced(let replaced) = decision.events.first else { Issue.record("no event"); return }
        #expect(replaced.samples[0].previousState == .toBeConfirmed)
        #expect(replaced.samples[0].previousLabels == [predicted])
        #expect(harness.state.samples["s10"]?.state == .labeled)
        #expect(invariantViolations(harness.state).isEmpty)
    }
}
