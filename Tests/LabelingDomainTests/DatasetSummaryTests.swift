import LabelingDomain
import Testing

@Suite struct DatasetSummaryTests {
    @Test func sample_stats_use_the_service_keys() throws {
        var harness = try Harness.withRunningTask(unlabeled: 3)  // 10 labeled, 3 unlabeled
        try harness.run(.recordAutoLabels("t1", [SamplePrediction(sampleID: "s10", labels: [PredictedLabel(name: "dog", score: 0.7)])]))
        let summary = DatasetSummary(harness.state)
        #expect(summary.sampleStats == DatasetSummary.SampleStats(unAnnotation: 2, manualAnnotation: 10, autoAnnotation: 1, total: 13))
        #expect(summary.activeTask == "t1")
        #expect(summary.version == harness.state.version)
    }

    @Test func label_stats_count_instances_and_samples_in_label_set_order() throws {
        var harness = try Harness.detection(labels: ["car", "person", "bike"], samples: 2)
        try harness.run(.updateSampleLabels([
            SampleLabelUpdate(sampleID: "s0", labels: [ManualLabel(name: "car", box: box(0, 0, 5, 5)), ManualLabel(name: "car", box: box(6, 6, 9, 9))]),
            SampleLabelUpdate(sampleID: "s1", labels: [ManualLabel(name: "car", box: box(0, 0, 5, 5)), ManualLabel(name: "person", box: box(0, 0, 5, 5))]),
        ], by: "ana"))
        try harness.run(.markHard(["s1"], reasonCodes: [11, 12], coefficient: 0.5, by: "ana"))
        let summary = DatasetSummary(harness.state)
        #expect(summary.labelStats.map(\.name) == ["car", "person", "bike"])
        #expect(summary.labelStats.map(\.count) == [3, 1, 0])
        #expect(summary.labelStats.map(\.sampleCount) == [2, 1, 0])
        #expect(summary.hardSamples == 1)
        #expect(summary.hardReasonCounts == [.boxCountOutlier: 1, .boxAreaSpreadOutlier: 1])
    }
}
