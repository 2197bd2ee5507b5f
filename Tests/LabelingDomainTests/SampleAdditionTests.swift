import LabelingDomain
import Testing

@Suite struct SampleAdditionTests {
    @Test func added_samples_are_unlabeled_unless_they_bring_labels() throws {
        var harness = try Harness.classification()
        let decision = try harness.run(.addSamples([newSample("a"), newSample("b", labels: [human("cat")])], by: "ana"))
        #expect(decision.results.allSatisfy { $0.success })
        #expect(harness.state.samples["a"]?.state == .unlabeled)
        #expect(harness.state.samples["b"]?.state == .labeled)
        #expect(harness.state.sampleCounts.unlabeled == 1)
        #expect(harness.state.sampleCounts.labeled == 1)
        #expect(harness.state.labelUsage["cat"]?.labeledSamples == 1)
        #expect(harness.state.sampleNames == ["a.jpg", "b.jpg"])
    }

    @Test func a_bad_sample_fails_alone_and_the_others_are_added() throws {
        var harness = try Harness.classification(samples: 1)  // s0, named s0.jpg
        let decision = try harness.run(.addSamples([
            newSample("ok1"),
            newSample("s0"),  // id exists
            newSample("dupName", name: "s0.jpg"),  // name exists
            newSample("tiny", width: 0),
            newSample("ok1"),  // repeated in the batch
            newSample("badLabel", labels: [human("cow")]),
            newSample("ok2"),
        ], by: "ana"))
        #expect(decision.results.map(\.success) == [true, false, false, false, false, false, true])
        #expect(decision.results.compactMap(\.errorCode) == [
            "LabelLedger.1013", "LabelLedger.1014", "LabelLedger.1016", "LabelLedger.1011", "LabelLedger.1018",
        ])
        guard case .samplesAdded(let added) = decision.events.first else { Issue.record("no event"); return }
        #expect(added.samples.map(\.id) == ["ok1", "ok2"])
        #expect(decision.events.count == 1)
    }

    @Test func two_new_samples_with_the_same_name_in_one_batch_are_refused() throws {
        var harness = try Harness.classification()
        let decision = try harness.run(.addSamples([newSample("a", name: "x.png"), newSample("b", name: "x.png")], by: "ana"))
        #expect(decision.results[1].error == .duplicateSampleName(sample: "b", name: "x.png"))
    }

    @Test(arguments: [
        (UInt32(0), UInt32(10), UInt32(3)), (10, 0, 3), (10, 10, 2), (10, 10, 0), (10, 10, 5),
    ])
    func image_sizes_need_positive_dimensions_and_1_3_or_4_channels(size: (UInt32, UInt32, UInt32)) throws {
        var harness = try Harness.classification()
        let decision = try harness.run(.addSamples([newSample("a", width: size.0, height: size.1, channels: size.2)], by: "ana"))
        #expect(decision.results.first?.error == .invalidImageSize(sample: "a", width: size.0, height: size.1, channels: size.2))
        #expect(decision.events.isEmpty)
    }

    @Test(arguments: ["", "abc", String(repeating: "A", count: 64), String(repeating: "g", count: 64)])
    func content_hashes_must_be_lowercase_sha256_hex(hash: String) throws {
        var harness = try Harness.classification()
        var sample = newSample("a")
        sample.contentSHA256 = hash
        let decision = try harness.run(.addSamples([sample], by: "ana"))
        #expect(decision.results.first?.error == .invalidContentHash(sample: "a", hash: hash))
    }

    @Test func sample_names_must_be_non_empty() throws {
        var harness = try Harness.classification()
        let decision = try harness.run(.addSamples([newSample("a", name: "")], by: "ana"))
        #expect(decision.results.first?.errorCode == "LabelLedger.1015")
    }

    @Test func an_empty_batch_is_refused() throws {
        var harness = try Harness.classification()
        #expect(harness.refusal(.addSamples([], by: "ana")) == .emptyBatch)
        #expect(harness.refusal(.deleteSamples([], by: "ana")) == .emptyBatch)
    }

    @Test func deleting_samples_keeps_what_they_carried_and_frees_their_names() throws {
        var harness = try Harness.classification(samples: 2)
        try harness.labelByHand(["s0"], "cat")
        let decision = try harness.run(.deleteSamples(["s0", "nope"], by: "ana"))
        #expect(decision.results[1].error == .sampleNotFound("nope"))
        #expect(decision.events == [
            .samplesDeleted(SamplesDeleted(
                samples: [DeletedSample(id: "s0", name: "s0.jpg", previousState: .labeled, previousLabels: [human("cat")])],
                by: "ana"))
        ])
        #expect(harness.state.samples["s0"] == nil)
        #expect(harness.state.labelUsage["cat"]?.labeledSamples == 0)
        #expect(!harness.state.sampleNames.contains("s0.jpg"))
        try harness.run(.addSamples([newSample("again", name: "s0.jpg")], by: "ana"))
        #expect(invariantViolations(harness.state).isEmpty)
    }
}
