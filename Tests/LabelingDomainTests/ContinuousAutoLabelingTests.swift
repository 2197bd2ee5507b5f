import LabelingDomain
import Testing

/// The per-dataset continuous mode: a setting carried by the log
/// (`ContinuousAutoLabelingConfigured`), kept in the state and in snapshots.
@Suite struct ContinuousAutoLabelingTests {
    func configure(_ newSamples: Int, _ algorithm: AutoLabelAlgorithm = .accurate, by: String = "ana") -> DatasetCommand {
        .configureContinuousAutoLabeling(newSamples: newSamples, algorithm: algorithm, by: by, at: at(7))
    }

    @Test func configuring_records_the_threshold_and_algorithm_and_the_state_keeps_it() throws {
        var harness = try Harness.classification(samples: 3)
        let decision = try harness.run(configure(25, .fast))
        let expected = ContinuousAutoLabelingConfigured(newSamples: 25, algorithm: .fast, by: "ana", at: at(7))
        #expect(decision.events == [.continuousAutoLabelingConfigured(expected)])
        #expect(harness.state.continuousAutoLabeling == expected)
    }

    @Test func zero_turns_it_off_and_the_last_setting_wins() throws {
        var harness = try Harness.classification(samples: 3)
        try harness.run(configure(10))
        try harness.run(configure(0))
        #expect(harness.state.continuousAutoLabeling?.newSamples == 0)
    }

    @Test func a_negative_or_huge_threshold_is_refused_with_its_code() throws {
        var harness = try Harness.classification(samples: 3)
        #expect(harness.refusal(configure(-1)) == .invalidContinuousThreshold(-1))
        let tooMany = ContinuousAutoLabelingConfigured.maximumNewSamples + 1
        #expect(harness.refusal(configure(tooMany))?.code == "LabelLedger.1048")
        #expect(harness.refusal(configure(tooMany))?.httpStatus == 400)
        #expect(harness.state.continuousAutoLabeling == nil)
    }

    /// Issue 24: detection datasets have active learning (the built-in detector), so continuous mode too.
    @Test func detection_datasets_take_continuous_mode_and_may_turn_it_off() throws {
        var harness = try Harness.detection(samples: 3)
        try harness.run(configure(5))
        #expect(harness.state.continuousAutoLabeling?.newSamples == 5)
        try harness.run(configure(0))
        #expect(harness.state.continuousAutoLabeling?.newSamples == 0)
    }

    @Test func the_setting_needs_an_actor() throws {
        var harness = try Harness.classification(samples: 3)
        #expect(harness.refusal(configure(5, by: ""))?.code == "LabelLedger.1044")
    }

    @Test func the_setting_survives_a_snapshot() throws {
        var harness = try Harness.classification(samples: 3)
        try harness.run(configure(40))
        let decoded = try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(harness.state))
        #expect(decoded == harness.state)
        #expect(decoded.continuousAutoLabeling?.newSamples == 40)
    }

    @Test func a_skipped_sample_list_survives_a_snapshot_of_a_succeeded_task() throws {
        var harness = try Harness.withRunningTask()
        let counts = TaskResultCounts(
            totalSamples: 3, autoLabeledSamples: 0, hardExamples: 0, flattenedRGBAImages: 0,
            skippedSamples: [SkippedSample(sampleID: "s9", reason: "not a PNG or JPEG file")])
        try harness.run(.succeedTask("t1", counts: counts, at: at(9)))
        let decoded = try DatasetSnapshotCodec.decode(DatasetSnapshotCodec.encode(harness.state))
        let task = try #require(decoded.tasks.values.first { $0.result != nil })
        #expect(task.result?.skippedSamples == counts.skippedSamples)
        #expect(task.result?.skippedSampleCount == 1)
    }
}
