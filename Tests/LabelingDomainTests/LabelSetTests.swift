import LabelingDomain
import Testing

@Suite struct LabelSetTests {
    @Test func labels_are_appended_in_order() throws {
        var harness = try Harness.classification(labels: ["cat"])
        try harness.run(.addLabels([label("dog"), label("bird", "#00ff00")], by: "ana"))
        #expect(harness.state.labels.map(\.name) == ["cat", "dog", "bird"])
        #expect(harness.state.labelUsage["bird"] == DatasetState.LabelUsage())
    }

    @Test func adding_an_existing_or_repeated_label_is_refused() throws {
        var harness = try Harness.classification(labels: ["cat"])
        #expect(harness.refusal(.addLabels([label("cat")], by: "ana")) == .duplicateLabel("cat"))
        #expect(harness.refusal(.addLabels([label("a"), label("a")], by: "ana")) == .duplicateLabel("a"))
        #expect(harness.refusal(.addLabels([], by: "ana")) == .emptyBatch)
        #expect(harness.refusal(.addLabels([label(" cat")], by: "ana")) == .invalidLabelName(" cat"))
        #expect(harness.refusal(.addLabels([label(String(repeating: "l", count: 65))], by: "ana"))?.code == "LabelLedger.1005")
    }

    @Test func renaming_a_label_renames_it_on_every_sample_and_keeps_counts() throws {
        var harness = try Harness.classification(samples: 3)
        try harness.labelByHand(["s0", "s1"], "cat")
        try harness.run(.renameLabel(from: "cat", to: "kitten", by: "ana"))
        #expect(harness.state.labels.map(\.name) == ["kitten", "dog"])
        #expect(harness.state.samples["s0"]?.labels.map(\.name) == ["kitten"])
        #expect(harness.state.labelUsage["kitten"]?.labeledSamples == 2)
        #expect(harness.state.labelUsage["cat"] == nil)
        #expect(invariantViolations(harness.state).isEmpty)
    }

    @Test func renaming_needs_an_existing_source_and_a_free_target() throws {
        var harness = try Harness.classification()
        #expect(harness.refusal(.renameLabel(from: "cow", to: "x", by: "ana")) == .labelNotFound("cow"))
        #expect(harness.refusal(.renameLabel(from: "cat", to: "dog", by: "ana")) == .duplicateLabel("dog"))
        #expect(harness.refusal(.renameLabel(from: "cat", to: "", by: "ana")) == .invalidLabelName(""))
    }

    @Test func deleting_an_unused_label_removes_it() throws {
        var harness = try Harness.classification(samples: 1)
        try harness.run(.deleteLabel(name: "dog", stripFromSamples: false, by: "ana"))
        #expect(harness.state.labels.map(\.name) == ["cat"])
        #expect(harness.refusal(.deleteLabel(name: "dog", stripFromSamples: false, by: "ana")) == .labelNotFound("dog"))
    }

    @Test func deleting_a_label_in_use_is_refused_without_strip() throws {
        var harness = try Harness.classification(samples: 2)
        try harness.labelByHand(["s0", "s1"], "cat")
        let error = harness.refusal(.deleteLabel(name: "cat", stripFromSamples: false, by: "ana"))
        #expect(error == .labelInUse(label: "cat", samples: 2))
        #expect(error?.httpStatus == 409)
    }

    @Test func deleting_with_strip_removes_the_label_and_unlabels_emptied_samples() throws {
        var harness = try Harness.classification(samples: 3)
        try harness.run(.updateSampleLabels([
            SampleLabelUpdate(sampleID: "s0", labels: [ManualLabel(name: "cat")]),
            SampleLabelUpdate(sampleID: "s1", labels: [ManualLabel(name: "cat"), ManualLabel(name: "dog")]),
        ], by: "ana"))
        let decision = try harness.run(.deleteLabel(name: "cat", stripFromSamples: true, by: "ana"))
        #expect(decision.events == [.labelDeleted(LabelDeleted(name: "cat", strippedSamples: ["s0", "s1"], by: "ana"))])
        #expect(harness.state.samples["s0"]?.state == .unlabeled)
        #expect(harness.state.samples["s1"]?.labels.map(\.name) == ["dog"])
        #expect(harness.state.samples["s1"]?.state == .labeled)
        #expect(invariantViolations(harness.state).isEmpty)
    }
}
