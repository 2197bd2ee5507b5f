import Foundation
import LabelingDomain
import Testing
@testable import Projections

/// A score in the label column that overflows a Double (`022222222E22222222`) is no score the
/// column's writer could have written: the hand parser no longer reads it as infinity (which
/// `StoredLabels.json` then wrote as `inf`, not JSON, so the labels did not read back as
/// themselves). Found by Fuzz/FuzzStoredLabels after 5.3 million executions (input
/// `Fuzz/FuzzStoredLabels/regressions/score-beyond-double`).
@Suite struct StoredLabelsScoreTests {
    @Test func the_input_the_fuzzer_found_reads_back_as_itself() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/FuzzStoredLabels/regressions/score-beyond-double").standardized
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let labels = StoredLabels.decode(text)
        #expect(labels.allSatisfy { $0.score?.isFinite ?? true }, "\(labels)")
        #expect(StoredLabels.decode(StoredLabels.json(labels)) == labels)
    }

    @Test func a_score_that_overflows_is_not_read_as_infinity() {
        for score in ["1e999", "-1e999", "022222222E22222222"] {
            let text = #"[{"name":"cat","score":\#(score),"by":"human:ana"}]"#
            var parser = StoredLabels.FastParser(text)
            #expect(parser.labels() == nil, "\(score)")
            #expect(StoredLabels.decode(text).allSatisfy { $0.score?.isFinite ?? true })
        }
    }

    @Test func finite_scores_still_take_the_fast_path() {
        let labels = [SampleLabel(name: "cat", score: 0.93, annotator: .activeLearning("t-1")),
                      SampleLabel(name: "dog", score: 1e-300, annotator: .human("ana"))]
        var parser = StoredLabels.FastParser(StoredLabels.json(labels))
        #expect(parser.labels() == labels)
    }
}
