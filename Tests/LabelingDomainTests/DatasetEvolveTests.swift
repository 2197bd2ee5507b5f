import LabelingDomain
import Testing

@Suite struct DatasetEvolveTests {
    @Test func evolve_updates_a_large_state_in_place() throws {
        // 100,000 samples, then 2,000 one-sample events. Copying the sample
        // dictionary per event would take minutes; in place it takes milliseconds.
        var state = DatasetState()
        evolve(&state, .datasetCreated(DatasetCreated(datasetID: "big", name: "big", type: .imageClassification, labels: [label("cat")], description: "", createdBy: "a", createdAt: t0)))
        evolve(&state, .samplesAdded(SamplesAdded(samples: (0..<100_000).map { newSample("s\($0)") }, by: "a")))
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for i in 0..<2_000 {
                evolve(&state, .sampleLabelsReplaced(SampleLabelsReplaced(samples: [
                    LabelReplacement(sampleID: SampleID("s\(i)"), previousState: .unlabeled, previousLabels: [], newLabels: [human("cat")])
                ], by: "a")))
                state.version += 1
            }
        }
        #expect(state.labelUsage["cat"]?.labeledSamples == 2_000)
        #expect(state.sampleCounts.unlabeled == 98_000)
        #expect(elapsed < .seconds(3), "\(elapsed)")
    }

    @Test func evolve_never_throws_on_facts_about_unknown_samples_or_tasks() {
        var state = DatasetState()
        evolve(&state, everyEvent[0])
        let before = state
        evolve(&state, .samplesRejected(SamplesRejected(samples: [RejectedSample(sampleID: "ghost", rejectedLabels: [])], by: "a")))
        evolve(&state, .taskRunning(TaskRunning(taskID: "ghost", at: t0)))
        #expect(state == before)
    }

    @Test func the_non_mutating_wrapper_equals_the_in_place_fold() throws {
        let harness = try Harness.withRunningTask()
        var replayed = evolved(DatasetState(), harness.log)
        replayed.version = harness.state.version
        #expect(replayed == harness.state)
    }
}
