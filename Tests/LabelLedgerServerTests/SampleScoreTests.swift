import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// Scores and hard coefficients as the API shows them: an uploaded machine label keeps the
/// score it was sent with, and both are shown rounded to six decimals.
@Suite struct SampleScoreTests {
    @Test func an_uploaded_machine_label_keeps_its_score_and_scores_and_coefficients_show_six_decimals() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let scores = [0.42, 0.123456789]
            let samples: [[String: Any]] = scores.enumerated().map { i, score in
                ["name": "m\(i).png", "data": TestPNG.pattern(width: 8, height: 8, seed: 700 + i).base64EncodedString(),
                 "labels": [["name": "cat", "score": score]]]
            }
            let added = try await client.call(
                .post, dataset + "/data-annotations/samples", token: fixture.admin, json: ["samples": samples, "final_annotation": false])
            let ids = added.results.compactMap { $0["sample_id"] as? String }
            try #require(ids.count == 2, "\(added.text)")
            let marked = try await client.call(
                .post, dataset + "/data-annotations/samples/hard", token: fixture.labeler,
                json: ["samples": [ids[0]], "hard": true, "reasons": [1], "coefficient": 0.5549999999999999])
            #expect(marked.status == .ok, "\(marked.text)")
            let first = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[0])", token: fixture.labeler)
            let second = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[1])", token: fixture.labeler)
            let page = try await client.call(.get, dataset + "/data-annotations/samples?sample_state=__AUTO_ANNOTATION__", token: fixture.labeler)

            #expect(first.text.contains(#""score":0.42,"#), "\(first.text)")
            #expect(first.text.contains(#""@modelarts:hard_coefficient":0.555,"#), "\(first.text)")
            #expect(second.text.contains(#""score":0.123457,"#), "\(second.text)")
            #expect(page.text.contains(#""score":0.42,"#) && page.text.contains(#""score":0.123457,"#), "\(page.text)")
            #expect(!page.text.contains("0.5549999") && !page.text.contains("0.123456789"), "\(page.text)")
        }
    }
}
