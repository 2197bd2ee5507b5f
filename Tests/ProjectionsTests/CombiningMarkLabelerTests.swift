import Foundation
import LabelingDomain
import Testing
@testable import Projections

/// A user name, model name or model version that starts with a combining mark (U+0301,
/// U+06DB, …) joins the `:` before it into one grapheme cluster; the stored spellings are
/// still read back as written. Found by Fuzz/FuzzStoredLabels (input `Fuzz/FuzzStoredLabels/
/// regressions/combining-mark-annotator`): `human:\u{6DB}` was read back as the person
/// `human:\u{6DB}`.
@Suite struct CombiningMarkLabelerTests {
    static let marks = ["\u{301}", "\u{6DB}", "\u{20DD}"]

    @Test func annotators_round_trip_through_the_label_column() throws {
        for mark in Self.marks {
            let annotators: [Annotator] = [
                .human(mark), .human("\(mark)ana"), .activeLearning(TaskID("\(mark)t-1")),
                .preLabelModel(name: "\(mark)m", version: "\(mark)2"), .preLabelModel(name: "m", version: mark),
            ]
            for annotator in annotators {
                let labels = [SampleLabel(name: "\(mark)cat", annotator: annotator)]
                #expect(StoredLabels.decode(StoredLabels.json(labels)) == labels, "\(annotator)")
            }
        }
    }

    @Test func the_input_the_fuzzer_found_reads_back_its_annotator() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/FuzzStoredLabels/regressions/combining-mark-annotator").standardized
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let labels = StoredLabels.decode(text)
        #expect(labels == [SampleLabel(name: "", annotator: .human("\u{6DB}"))])
        #expect(StoredLabels.decode(StoredLabels.json(labels)) == labels)
    }

    @Test func labelers_round_trip_through_their_name() {
        for mark in Self.marks {
            for labeler in [Labeler.person(mark), .person("\(mark)ana"), .model(name: "\(mark)m", version: "\(mark)1")] {
                #expect(Labeler(labeler.name) == labeler, "\(labeler.name)")
            }
        }
    }
}
