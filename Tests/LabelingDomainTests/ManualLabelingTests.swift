import LabelingDomain
import Testing

@Suite struct ManualLabelingTests {
    func update(_ id: SampleID, _ labels: [ManualLabel]) -> DatasetCommand {
        .updateSampleLabels([SampleLabelUpdate(sampleID: id, labels: labels)], by: "ana")
    }

    @Test func manual_update_replaces_the_whole_label_list() throws {
        var harness = try Harness.classification(samples: 1)
        try harness.run(update("s0", [ManualLabel(name: "cat"), ManualLabel(name: "dog")]))
        try harness.run(update("s0", [ManualLabel(name: "dog")]))
        #expect(harness.state.samples["s0"]?.labels == [human("dog")])
        #expect(harness.state.samples["s0"]?.state == .labeled)
        #expect(harness.state.labelUsage["cat"]?.labeledSamples == 0)
    }

    @Test func an_empty_list_makes_the_sample_unlabeled() throws {
        var harness = try Harness.classification(samples: 1)
        try harness.run(update("s0", [ManualLabel(name: "cat")]))
        try harness.run(update("s0", []))
        #expect(harness.state.samples["s0"]?.state == .unlabeled)
        #expect(harness.state.samples["s0"]?.labels == [])
        #expect(harness.state.sampleCounts.unlabeled == 1)
    }

    @Test func the_event_shows_before_and_after_for_auditors() throws {
        var harness = try Harness.classification(samples: 1)
        try harness.run(update("s0", [ManualLabel(name: "cat")]))
        let decision = try harness.run(update("s0", [ManualLabel(name: "dog")]))
        #expect(decision.events == [
            .sampleLabelsReplaced(SampleLabelsReplaced(
                samples: [LabelReplacement(sampleID: "s0", previousState: .labeled, previousLabels: [human("cat")], newLabels: [human("dog")])],
                by: "ana"))
        ])
    }

    @Test func classification_labels_must_exist_and_have_no_box() throws {
        var harness = try Harness.classification(samples: 1)
        #expect(try harness.run(update("s0", [ManualLabel(name: "cow")])).results[0].error
            == .unknownLabelOnSample(sample: "s0", label: "cow"))
        #expect(try harness.run(update("s0", [ManualLabel(name: "cat", box: box(0, 0, 5, 5))])).results[0].error
            == .boxNotAllowed(sample: "s0", label: "cat"))
        #expect(try harness.run(update("s0", [ManualLabel(name: "cat"), ManualLabel(name: "cat")])).results[0].errorCode
            == "LabelLedger.1043")
        #expect(harness.state.samples["s0"]?.state == .unlabeled)
    }

    // Image is 100 × 80.
    @Test(arguments: [
        (box(0, 0, 100, 80), true), (box(10, 10, 11, 11), true),
        (box(10, 10, 10, 20), false), (box(20, 10, 10, 20), false), (box(10, 20, 30, 20), false),
        (box(-1, 0, 10, 10), false), (box(0, -1, 10, 10), false), (box(0, 0, 101, 10), false), (box(0, 0, 10, 81), false),
    ])
    func detection_boxes_need_positive_area_inside_the_image(box: BoundingBox, valid: Bool) throws {
        var harness = try Harness.detection(samples: 1)
        let result = try harness.run(update("s0", [ManualLabel(name: "car", box: box)])).results[0]
        if valid {
            #expect(result.success)
            #expect(harness.state.samples["s0"]?.labels.first?.box == box)
        } else {
            #expect(result.error == .invalidBox(sample: "s0", label: "car", box: box, width: 100, height: 80))
            #expect(result.error?.httpStatus == 422)
        }
    }

    @Test func detection_labels_need_a_box_and_a_known_label() throws {
        var harness = try Harness.detection(samples: 1)
        #expect(try harness.run(update("s0", [ManualLabel(name: "car")])).results[0].error == .boxRequired(sample: "s0", label: "car"))
        #expect(try harness.run(update("s0", [ManualLabel(name: "bus", box: box(0, 0, 5, 5))])).results[0].error
            == .unknownLabelOnSample(sample: "s0", label: "bus"))
    }

    @Test func a_detection_sample_may_hold_several_boxes_of_one_label_but_not_the_same_box_twice() throws {
        var harness = try Harness.detection(samples: 1)
        let two = [ManualLabel(name: "car", box: box(0, 0, 5, 5)), ManualLabel(name: "car", box: box(5, 5, 9, 9))]
        #expect(try harness.run(update("s0", two)).results[0].success)
        #expect(harness.state.labelUsage["car"] == {
            var usage = DatasetState.LabelUsage()
            usage.labeledSamples = 1
            usage.labeledAnnotations = 2
            return usage
        }())
        let same = [ManualLabel(name: "car", box: box(0, 0, 5, 5)), ManualLabel(name: "car", box: box(0, 0, 5, 5))]
        #expect(try harness.run(update("s0", same)).results[0].errorCode == "LabelLedger.1043")
    }

    @Test func a_batch_applies_the_good_samples_and_reports_the_bad_ones() throws {
        var harness = try Harness.classification(samples: 3)
        let decision = try harness.run(.updateSampleLabels([
            SampleLabelUpdate(sampleID: "s0", labels: [ManualLabel(name: "cat")]),
            SampleLabelUpdate(sampleID: "s1", labels: [ManualLabel(name: "cat"), ManualLabel(name: "cow")]),
            SampleLabelUpdate(sampleID: "missing", labels: []),
            SampleLabelUpdate(sampleID: "s0", labels: []),
            SampleLabelUpdate(sampleID: "s2", labels: [ManualLabel(name: "dog")]),
        ], by: "ana"))
        #expect(decision.results.map(\.success) == [true, false, false, false, true])
        #expect(decision.results[3].error == .duplicateSampleInBatch("s0"))
        #expect(decision.events.count == 1)
        // s1 is never half-applied: its valid "cat" was not kept.
        #expect(harness.state.samples["s1"]?.state == .unlabeled)
        #expect(harness.state.sampleCounts.labeled == 2)
    }

    @Test func a_batch_of_ten_thousand_samples_is_one_event() throws {
        var harness = try Harness.classification(samples: 10_000)
        let updates = (0..<10_000).map { SampleLabelUpdate(sampleID: SampleID("s\($0)"), labels: [ManualLabel(name: "cat")]) }
        let decision = try harness.run(.updateSampleLabels(updates, by: "ana"))
        #expect(decision.events.count == 1)
        #expect(decision.results.count == 10_000)
        #expect(harness.state.labelUsage["cat"]?.labeledSamples == 10_000)
    }
}
