import Foundation
import LabelingDomain
import Testing

/// Samples arriving from an import carry machine labels, a hard mark and a label time.
@Suite struct ImportedSampleTests {
    func machine(_ name: String, score: Double?) -> SampleLabel {
        SampleLabel(name: name, score: score, annotator: .preLabelModel(name: "modelarts/active-learning", version: "imported"))
    }

    @Test func a_sample_with_only_machine_labels_arrives_to_be_confirmed() throws {
        var harness = try Harness.classification()
        var sample = newSample("a")
        sample.initialPredictions = [machine("dog", score: 0.7)]
        sample.initialHardMark = HardMark(reasons: [.lowConfidence], coefficient: 0.6, origin: .person("import"))
        try harness.run(.addSamples([sample], by: "import"))
        let record = try #require(harness.state.samples["a"])
        #expect(record.state == .toBeConfirmed)
        #expect(record.predictedLabels == [machine("dog", score: 0.7)])
        #expect(record.hardMark?.coefficient == 0.6)
        #expect(harness.state.sampleCounts.toBeConfirmed == 1)
        #expect(harness.state.hardSampleCount == 1)
        #expect(harness.state.recountedCounters() == harness.state)
    }

    @Test func human_labels_win_over_machine_labels() throws {
        var harness = try Harness.classification()
        var sample = newSample("a", labels: [human("cat")])
        sample.initialPredictions = [machine("dog", score: 0.7)]
        try harness.run(.addSamples([sample], by: "import"))
        #expect(harness.state.samples["a"]?.state == .labeled)
        #expect(harness.state.samples["a"]?.predictedLabels == [])
    }

    @Test func imported_machine_labels_need_a_score_and_a_known_label() throws {
        var harness = try Harness.classification()
        var noScore = newSample("a")
        noScore.initialPredictions = [machine("dog", score: nil)]
        var unknown = newSample("b")
        unknown.initialPredictions = [machine("horse", score: 0.5)]
        var badHard = newSample("c")
        badHard.initialHardMark = HardMark(reasons: [], coefficient: 1.5, origin: .person("import"))
        let decision = try harness.run(.addSamples([noScore, unknown, badHard], by: "import"))
        #expect(decision.results.map(\.errorCode) == ["LabelLedger.1022", "LabelLedger.1018", "LabelLedger.1024"])
        #expect(harness.state.samples.isEmpty)
    }

    @Test func the_new_fields_survive_the_event_codec() throws {
        var sample = newSample("a")
        sample.initialPredictions = [machine("dog", score: 0.25)]
        sample.initialHardMark = HardMark(reasons: [.lowConfidence, .predictedAbnormal], coefficient: 0.5, origin: .person("x"))
        sample.labelsCreatedAt = Instant(microsecondsSince1970: 1_700_000_000_000_000)
        let event = DomainEvent.samplesAdded(SamplesAdded(samples: [sample], by: "import"))
        let encoded = event.encode()
        #expect(try DomainEvent.decode(type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload) == event)
    }
}
