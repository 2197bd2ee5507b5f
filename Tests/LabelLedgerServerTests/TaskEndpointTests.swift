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
            #expect(boxes.errorCode == "ModelArts.4405" || boxes.errorCode == "ModelArts.4408")
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
}
