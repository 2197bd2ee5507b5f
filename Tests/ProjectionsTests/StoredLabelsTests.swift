import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import Projections

/// The hand-written parser reads back exactly what the encoder writes, and leaves anything
/// else to JSONDecoder.
@Suite struct StoredLabelsTests {
    @Test func every_label_round_trips_through_the_stored_form() {
        var generator = SeededGenerator(seed: 31)
        let names = ["cat", "dög", "a \"quoted\" name", "back\\slash", "tab\there", "line\nbreak", "ctl\u{1}x", "🐈"]
        let annotators: [Annotator] = [.human("ana"), .activeLearning("t-1"), .preLabelModel(name: "m:x", version: "2")]
        for _ in 0..<300 {
            let labels = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                SampleLabel(
                    name: names.randomElement(using: &generator)!,
                    box: Bool.random(using: &generator)
                        ? BoundingBox(x1: Int32.random(in: -5...50, using: &generator), y1: 2, x2: 90, y2: Int32.random(in: 3...900, using: &generator)) : nil,
                    score: Bool.random(using: &generator) ? Double.random(in: 0...1, using: &generator) : nil,
                    annotator: annotators.randomElement(using: &generator)!)
            }
            let json = StoredLabels.json(labels)
            var parser = StoredLabels.FastParser(json)
            #expect(parser.labels() == labels, "\(json)")
            #expect(StoredLabels.decode(json) == labels)
        }
    }

    @Test func other_json_falls_back_to_the_full_decoder() {
        let spaced = #"[ {"name": "cat", "by": "human:ana"} ]"#
        var parser = StoredLabels.FastParser(spaced)
        #expect(parser.labels() == nil)
        #expect(StoredLabels.decode(spaced) == [SampleLabel(name: "cat", annotator: .human("ana"))])
        #expect(StoredLabels.decode("not json").isEmpty)
    }
}
