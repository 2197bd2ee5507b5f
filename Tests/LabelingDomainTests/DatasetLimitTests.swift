import LabelingDomain
import Testing

/// The size rules that keep one command within one event: the description, the label set,
/// and the image a sample points at.
@Suite struct DatasetLimitTests {
    func create(description: String = "d", labels: [LabelDefinition] = [label("cat")]) -> DomainError? {
        var harness = Harness()
        return harness.refusal(
            .createDataset(id: "ds-1", name: "pets", typeCode: 0, labels: labels, description: description, by: "ana", at: t0))
    }

    @Test func a_description_of_1024_characters_is_accepted_and_a_longer_one_refused() {
        #expect(create(description: String(repeating: "é", count: 1024)) == nil)
        #expect(create(description: String(repeating: "x", count: 1025)) == .descriptionTooLong(utf8Bytes: 1025))
        #expect(create(description: String(repeating: "x", count: 20 << 20))?.code == "LabelLedger.1160")
    }

    @Test func a_label_set_grows_to_1000_labels_and_no_further() throws {
        #expect(create(labels: (0..<1001).map { label("l\($0)") }) == .tooManyLabels(count: 1001))
        var harness = try Harness.classification(labels: (0..<999).map { "l\($0)" })
        #expect(harness.refusal(.addLabels([label("a"), label("b")], by: "ana")) == .tooManyLabels(count: 1001))
        #expect(harness.refusal(.addLabels([label("a")], by: "ana")) == nil)
        #expect(DomainError.tooManyLabels(count: 1001).code == "LabelLedger.1161")
    }

    @Test func an_image_over_the_pixel_limit_fails_alone_in_its_batch() throws {
        var harness = try Harness.classification()
        let decision = try harness.run(.addSamples([
            newSample("huge", width: 10_000, height: 10_000), newSample("ok", width: 5_000, height: 10_000),
        ], by: "ana"))
        #expect(decision.results.map(\.success) == [false, true])
        #expect(decision.results.first?.errorCode == "LabelLedger.1162")
        #expect(harness.state.samples.keys.map(\.rawValue) == ["ok"])
    }

    @Test func default_colours_are_distinct_skip_used_ones_and_keep_explicit_ones() {
        let first = LabelPalette.definitions([("a", nil), ("b", "#123456"), ("c", nil)], existing: [])
        #expect(first.map(\.color) == ["#E6194B", "#123456", "#3CB44B"])
        let more = LabelPalette.definitions([("d", nil), ("e", nil)], existing: first + [label("x", "#ffe119")])
        #expect(more.map(\.color) == ["#4363D8", "#F58231"])
        let many = LabelPalette.defaults(count: 25, existing: [])
        #expect(Set(many.prefix(LabelPalette.colours.count)).count == LabelPalette.colours.count)
        #expect(many == LabelPalette.defaults(count: 25, existing: []), "deterministic")
    }
}
