import Foundation
import Hummingbird
import Testing
@testable import LabelLedgerServer

@Suite struct TaskEndpointTests {
    @Test func auto_labeling_preconditions_answer_the_services_codes() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset(labels: ["cat", "dog"])
            let start: [String: Any] = ["task_type": "auto-label", "config": ["algorithm_type": "fast"]]
            _ = try await client.addSamples(dataset, count: 12, labels: ["cat", "cat", "cat", "cat", "cat", "dog", "dog"])
            let tooFew = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: start)
            #expect(tooFew.status == .badRequest)
            #expect(tooFew.errorCode == "ModelArts.4406")
            // Three more dog labels: 5 each; then the unlabeled samples are labeled away.
            _ = try await client.addSamples(dataset, count: 3, labels: ["dog", "dog", "dog"], width: 18, prefix: "more")
            let queued = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: start)
            #expect(queued.status == .ok)
            let taskID = try #require(queued.json["task_id"] as? String)
            let again = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: start)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "ModelArts.4386")
            let task = try await client.call(.get, dataset + "/tasks/\(taskID)", token: fixture.labeler)
            #expect(task.json["status"] as? Int == -1)
            #expect(task.json["task_type"] as? String == "auto-label")
            let list = try await client.call(.get, dataset + "/tasks?type=auto-label", token: fixture.labeler)
            #expect(list.json["total_count"] as? Int == 1)
            let stop = try await client.call(.post, dataset + "/tasks/\(taskID)/stop", token: fixture.reviewer)
            #expect(stop.status == .ok)
            #expect(try await client.call(.get, dataset + "/tasks/nope", token: fixture.labeler).status == .notFound)
            #expect(try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "magic"]).status == .badRequest)
            let detection = try await client.createDataset(type: 1, labels: ["car", "bus"])
            let boxes = try await client.call(.post, detection + "/tasks", token: fixture.reviewer, json: start)
            // Detection active learning has the classification preconditions (issue 24): no labeled image yet.
            #expect(boxes.errorCode == "ModelArts.4406")
        }
    }

    @Test func pre_labeling_needs_a_registered_model_of_the_datasets_type() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let registered = try await client.call(.post, "/v2/demo/models", token: fixture.admin, json: [
                "model_name": "boxes", "model_version": "1", "model_type": 1, "command": ["/bin/true"],
            ])
            #expect(registered.status == .created)
            let twice = try await client.call(.post, "/v2/demo/models", token: fixture.admin, json: [
                "model_name": "boxes", "model_version": "1", "model_type": 1, "command": ["/bin/true"],
            ])
            #expect(twice.status == .conflict)
            let models = try await client.call(.get, "/v2/demo/models", token: fixture.labeler)
            #expect(((models.json["models"] as? [[String: Any]]) ?? []).compactMap { $0["model_id"] as? String } == ["boxes:1"])
            let dataset = try await client.createDataset(type: 0)
            _ = try await client.addSamples(dataset, count: 2)
            let mismatch = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "pre-label", "model_id": "boxes:1"])
            #expect(mismatch.errorCode == "ModelArts.4399")
        }
    }

    @Test func continuous_mode_is_a_per_dataset_setting_reviewers_put_and_anyone_reads() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset(labels: ["cat", "dog"])
            let path = dataset + "/auto-annotations/continuous"
            let initial = try await client.call(.get, path, token: fixture.labeler)
            #expect(initial.status == .ok)
            #expect(initial.json["enabled"] as? Bool == false)
            #expect(initial.json["new_sample_threshold"] as? Int == 0)
            let denied = try await client.call(.put, path, token: fixture.labeler, json: ["new_sample_threshold": 20])
            #expect(denied.status == .forbidden)
            let set = try await client.call(.put, path, token: fixture.reviewer, json: ["new_sample_threshold": 20, "algorithm_type": "fast"])
            #expect(set.status == .ok)
            #expect(set.json["enabled"] as? Bool == true)
            #expect(set.json["new_sample_threshold"] as? Int == 20)
            #expect(set.json["algorithm_type"] as? String == "fast")
            let read = try await client.call(.get, path, token: fixture.labeler)
            #expect(read.json["new_sample_threshold"] as? Int == 20)
            #expect(read.json["configured_by"] as? String != nil)
            let negative = try await client.call(.put, path, token: fixture.reviewer, json: ["new_sample_threshold": -3])
            #expect(negative.status == .badRequest)
            #expect(negative.errorCode == "LabelLedger.1048")
            let badAlgorithm = try await client.call(.put, path, token: fixture.reviewer, json: ["new_sample_threshold": 3, "algorithm_type": "magic"])
            #expect(badAlgorithm.status == .badRequest)
            let off = try await client.call(.put, path, token: fixture.reviewer, json: ["new_sample_threshold": 0])
            #expect(off.json["enabled"] as? Bool == false)
            let detection = try await client.createDataset(type: 1, labels: ["car", "bus"])
            let boxes = try await client.call(.put, detection + "/auto-annotations/continuous", token: fixture.reviewer, json: ["new_sample_threshold": 5])
            // Detection datasets take continuous mode too (issue 24; was ModelArts.4408).
            #expect(boxes.status == .ok)
            #expect(boxes.json["enabled"] as? Bool == true)
            #expect(try await client.call(.get, dataset.replacingOccurrences(of: "datasets/", with: "datasets/x") + "/auto-annotations/continuous", token: fixture.labeler).status == .notFound)
        }
    }
}
