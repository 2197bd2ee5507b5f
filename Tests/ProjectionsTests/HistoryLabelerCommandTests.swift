import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import Projections

/// `labelledger history` names who labelled a sample in the product's one vocabulary, as the
/// API serves each history entry's `labeler` (issue 22: one vocabulary, stored and served the
/// same way by every door).
@Suite struct HistoryLabelerCommandTests {
    @Test func sample_history_prints_each_entrys_labeler_as_the_api_serves_it() async throws {
        let child = try #require(BuiltExecutable.locate("labelledger"), "labelledger was not built beside the tests")
        let fixture = try ProjectionFixture()
        defer { fixture.directory.cleanup() }
        let at = Instant(microsecondsSince1970: 1_760_000_000_000_000)
        _ = try await fixture.service.execute(
            .createDataset(
                id: "ds", name: "ds", typeCode: 0,
                labels: [LabelDefinition(name: "cat", color: "#112233"), LabelDefinition(name: "dog", color: "#445566")],
                description: "", by: "ana", at: at),
            on: "ds", actor: "ana")
        func sample(_ id: String, predictions: [SampleLabel] = []) -> NewSample {
            NewSample(
                id: SampleID(id), name: "\(id).png", sourcePath: "/data/\(id).png", width: 8, height: 8, channels: 3,
                contentSHA256: String(repeating: id == "s1" ? "1" : "2", count: 64), initialPredictions: predictions)
        }
        let model = SampleLabel(name: "dog", score: 0.8, annotator: .preLabelModel(name: "digits", version: "2"))
        _ = try await fixture.service.execute(.addSamples([sample("s1"), sample("s2", predictions: [model])], by: "ana"), on: "ds", actor: "ana")
        _ = try await fixture.service.execute(
            .updateSampleLabels([SampleLabelUpdate(sampleID: "s1", labels: [ManualLabel(name: "cat")])], by: "bo"),
            on: "ds", actor: "bo")
        try await fixture.projector.catchUp()
        await fixture.log.close()

        // What the API's history entries carry (``HistoryEntry/SampleChange/labeler``).
        func served(_ id: SampleID) throws -> [String?] {
            try fixture.queries.history(HistoryQuery(.sample(id, dataset: "ds"))).map { $0.sample?.labeler?.name }
        }
        #expect(try served("s1").last == "person:bo")
        #expect(try served("s2") == ["model:digits:2"])

        let data = fixture.directory.url.path
        let text = try await ChildProcess.run(child, arguments: ["history", "--data", data, "--sample", "s1", "--dataset", "ds"]).output
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.contains("labels:") && $0.contains("labeler person:bo") }, "\(text)")

        for id: SampleID in ["s1", "s2"] {
            let json = try await ChildProcess.run(
                child, arguments: ["history", "--data", data, "--sample", id.rawValue, "--dataset", "ds", "--json"]).output
            let printed = try json.split(separator: "\n").map { line -> String? in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return object["labeler"] as? String
            }
            #expect(try printed == served(id), "\(id): \(json)")
        }
    }
}
