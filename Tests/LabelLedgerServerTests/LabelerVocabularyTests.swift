import Foundation
import Hummingbird
import LabelingDomain
import Testing
import TestSupport
@testable import LabelLedgerServer

/// One vocabulary for who labelled a sample (issue 22): a sample labelled by a person, by
/// auto labeling and by an import shows one labeler string in the sample list, the sample
/// itself and its history, and the tab filter `labeler=` finds it by exactly that string —
/// and refuses other spellings of the same labeler.
@Suite struct LabelerVocabularyTests {
    @Test func each_door_shows_one_labeler_everywhere_and_the_filter_finds_it() async throws {
        let directory = TemporaryDirectory("vocabulary")
        defer { directory.cleanup() }
        let fixture = try await ServerFixture.make(dataRoots: [directory.url])
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let (dataset, samples) = try await client.createTrainableDataset()
            let id = DatasetID("demo/" + datasetID(of: dataset))
            let person = samples[0]  // labelled "cat" through the API by ada
            let auto = samples[10]  // unlabeled: auto labeling predicts it

            // Auto labeling, driven as the reactor drives a task.
            let started = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "auto-label"])
            let task = TaskID(try #require(started.json["task_id"] as? String, "\(started.text)"))
            let service = fixture.runtime.service
            let now = Instant(Date())
            for command: DatasetCommand in [
                .startTask(task, at: now), .runTask(task, at: now),
                .recordAutoLabels(task, [SamplePrediction(sampleID: SampleID(auto), labels: [PredictedLabel(name: "dog", score: 0.8)])]),
            ] {
                _ = try await service.execute(command, on: id, actor: "auto-labeling")
            }

            // An import: a person's label and a machine label from a manifest.
            let image = directory.url.appendingPathComponent("imported.png")
            try TestPNG.pattern(width: 16, height: 16, seed: 901).write(to: image)
            let machineImage = directory.url.appendingPathComponent("machine.png")
            try TestPNG.pattern(width: 16, height: 16, seed: 902).write(to: machineImage)
            let manifest = directory.url.appendingPathComponent("import.manifest")
            try """
                {"source":"\(image.path)","annotation":[{"name":"cat","type":"modelarts/image_classification","annotated-by":"human"}]}
                {"source":"\(machineImage.path)","annotation":[{"name":"dog","type":"modelarts/image_classification","annotated-by":"yolo","confidence":0.7}]}

                """.write(to: manifest, atomically: true, encoding: .utf8)
            let imported = try await client.call(
                .post, "/admin/import", token: fixture.admin,
                json: ["source": manifest.path, "dataset": id.rawValue, "actor": "imp"])
            #expect(imported.status == .ok && imported.text.contains("imported"), "IMPORT: \(imported.text)")
            try await fixture.runtime.settle(fixture.runtime.queries.head)

            let all = try await client.call(.get, dataset + "/data-annotations/samples?limit=100", token: fixture.labeler)
            let listed = (all.json["samples"] as? [[String: Any]]) ?? []
            func sampleID(named name: String) -> String? {
                listed.first { $0["sample_name"] as? String == name }?["sample_id"] as? String
            }
            let cases: [(String, String?)] = [
                ("person:ada", person), ("active-learning", auto),
                ("person:imp", sampleID(named: "imported.png")), ("model:yolo:imported", sampleID(named: "machine.png")),
            ]
            for (labeler, sample) in cases {
                let sample = try #require(sample, "\(labeler): \(all.text)")
                let inList = listed.first { $0["sample_id"] as? String == sample }
                #expect(inList?["labeler"] as? String == labeler, "list")
                #expect(((inList?["labels"] as? [[String: Any]])?.first?["labeler"] as? String) == labeler, "list label")
                let single = try await client.call(.get, dataset + "/data-annotations/samples/\(sample)", token: fixture.labeler)
                #expect(single.json["labeler"] as? String == labeler, "detail: \(single.text)")
                let history = try await client.call(
                    .get, dataset + "/data-annotations/samples/\(sample)/history", token: fixture.labeler)
                let entries = (history.json["entries"] as? [[String: Any]]) ?? []
                #expect(entries.last?["labeler"] as? String == labeler, "history: \(history.text)")
                let query = labeler.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? labeler
                let filtered = try await client.call(
                    .get, dataset + "/data-annotations/samples?limit=100&labeler=\(query)", token: fixture.labeler)
                let found = ((filtered.json["samples"] as? [[String: Any]]) ?? []).compactMap { $0["sample_id"] as? String }
                #expect(found.contains(sample), "filter \(labeler): \(filtered.text)")
                #expect(((filtered.json["samples"] as? [[String: Any]]) ?? []).allSatisfy { $0["labeler"] as? String == labeler })
            }
            // Other spellings of the same labelers are not the vocabulary: 400, never a page.
            for other in ["ada", "human:ada", "active-learning:\(task.rawValue)", "pre-label:yolo:imported", "auto"] {
                let query = other.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? other
                let refused = try await client.call(
                    .get, dataset + "/data-annotations/samples?labeler=\(query)", token: fixture.labeler)
                expectError(refused, .badRequest, "LabelLedger.API.4301")
            }
        }
    }
}
