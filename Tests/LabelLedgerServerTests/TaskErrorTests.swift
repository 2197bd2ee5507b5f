import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

extension EndpointErrorSuites {
    /// Auto-labeling tasks: start, list, progress, stop — each documented refusal, status and
    /// `error_code` (the service's ModelArts codes for the preconditions).
    @Suite struct TaskErrorTests {
        static var autoLabel: [String: Any] { ["task_type": "auto-label", "config": ["algorithm_type": "fast"]] }

        static func register(_ client: ServerFixture.Client, type: Int) async throws {
            let reply = try await client.call(.post, "/v2/demo/models", token: client.fixture.admin, json: [
                "model_name": "net", "model_version": "1", "model_type": type, "command": ["/bin/true"],
            ])
            #expect(reply.status == .created)
        }

        @Test func start_task_is_refused_for_an_unknown_task_type() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                expectError(try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "magic"]), .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func start_task_is_refused_for_an_unknown_algorithm() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                let reply = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "auto-label", "config": ["algorithm_type": "slow"]])
                expectError(reply, .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func start_task_is_refused_for_a_model_id_without_a_version() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                let reply = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "pre-label", "model_id": "net"])
                expectError(reply, .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func start_task_is_refused_for_a_target_accuracy_outside_0_to_1() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                let reply = try await client.call(
                    .post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "auto-label", "config": ["target_accuracy": 1.5]])
                expectError(reply, .badRequest, "LabelLedger.1033")
            }
        }

        @Test func active_learning_is_refused_with_4405_for_fewer_than_two_labels() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(labels: ["cat"])
                _ = try await client.addSamples(dataset, count: 6, labels: ["cat", "cat", "cat", "cat", "cat"])
                expectError(try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: Self.autoLabel), .badRequest, "ModelArts.4405")
            }
        }

        @Test func active_learning_is_refused_with_4406_for_a_label_on_fewer_than_five_samples() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(labels: ["cat", "dog"])
                _ = try await client.addSamples(dataset, count: 8, labels: ["cat", "cat", "cat", "cat", "cat", "dog"])
                let reply = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: Self.autoLabel)
                expectError(reply, .badRequest, "ModelArts.4406")
                #expect(reply.errorMessage?.contains("'dog'") == true)
            }
        }

        @Test func auto_labeling_is_refused_with_4407_without_an_unlabeled_sample() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(labels: ["cat", "dog"])
                _ = try await client.addSamples(dataset, count: 10, labels: ["cat", "cat", "cat", "cat", "cat", "dog", "dog", "dog", "dog", "dog"])
                expectError(try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: Self.autoLabel), .badRequest, "ModelArts.4407")
            }
        }

        /// Issue 24: no longer ModelArts.4408 (retired); the classification preconditions apply.
        @Test func detection_active_learning_needs_each_label_on_5_images_like_classification() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(type: 1, labels: ["car", "bus"])
                _ = try await client.addSamples(dataset, count: 1)
                expectError(try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: Self.autoLabel), .badRequest, "ModelArts.4406")
            }
        }

        @Test func pre_labeling_with_an_unregistered_model_is_404() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                let reply = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "pre-label", "model_id": "ghost:1"])
                expectError(reply, .notFound, "LabelLedger.1035")
            }
        }

        @Test func pre_labeling_with_a_model_of_another_type_is_refused_with_4399() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                try await Self.register(client, type: 1)
                let reply = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "pre-label", "model_id": "net:1"])
                expectError(reply, .badRequest, "ModelArts.4399")
            }
        }

        @Test func a_second_auto_label_task_is_refused_with_409_4386() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                let first = try await client.startTask(dataset)
                let reply = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: Self.autoLabel)
                expectError(reply, .conflict, "ModelArts.4386")
                #expect(reply.errorMessage?.contains(first) == true)
            }
        }

        @Test func a_task_while_a_pre_label_task_is_queued_is_refused_with_409_4387() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                try await Self.register(client, type: 0)
                let pre = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "pre-label", "model_id": "net:1"])
                #expect(pre.status == .ok)
                expectError(try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: Self.autoLabel), .conflict, "ModelArts.4387")
            }
        }

        @Test func a_queued_task_shows_its_status_and_history() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                let task = try await client.startTask(dataset)
                let reply = try await client.call(.get, dataset + "/tasks/\(task)", token: fixture.labeler)
                #expect(reply.status == .ok)
                #expect(reply.json["status"] as? Int == -1)
                #expect(((reply.json["history"] as? [[String: Any]]) ?? []).count == 1)
            }
        }

        @Test func an_unknown_task_is_404() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.get, dataset + "/tasks/ghost", token: fixture.labeler), .notFound, "LabelLedger.API.404")
            }
        }

        @Test func the_task_list_filters_by_type() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                _ = try await client.startTask(dataset)
                #expect(try await client.call(.get, dataset + "/tasks?type=auto-label", token: fixture.labeler).json["total_count"] as? Int == 1)
                #expect(try await client.call(.get, dataset + "/tasks?type=pre-label", token: fixture.labeler).json["total_count"] as? Int == 0)
            }
        }

        @Test(arguments: ["?type=magic", "?offset=x", "?offset=-1", "?limit=x", "?limit=0", "?limit=101"])
        func a_task_list_query_with_a_bad_parameter_is_refused_with_400(query: String) async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.get, dataset + "/tasks" + query, token: fixture.labeler)
                #expect(reply.status == .badRequest, "\(query): \(reply.text)")
                #expect(reply.errorCode == "LabelLedger.API.400" || reply.errorCode == "LabelLedger.Projection.005", "\(query): \(reply.text)")
            }
        }

        @Test func stop_task_answers_200_with_status_stopping() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                let task = try await client.startTask(dataset)
                let reply = try await client.call(.post, dataset + "/tasks/\(task)/stop", token: fixture.reviewer)
                #expect(reply.status == .ok)
                #expect(reply.json["status"] as? Int == 4)
            }
        }

        @Test func stopping_an_unknown_task_is_404() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.post, dataset + "/tasks/ghost/stop", token: fixture.reviewer), .notFound, "LabelLedger.1027")
            }
        }

        @Test func stopping_a_task_twice_is_refused_with_409() async throws {
            try await ServerFixture.run { fixture, client in
                let (dataset, _) = try await client.createTrainableDataset()
                let task = try await client.startTask(dataset)
                _ = try await client.call(.post, dataset + "/tasks/\(task)/stop", token: fixture.reviewer)
                expectError(try await client.call(.post, dataset + "/tasks/\(task)/stop", token: fixture.reviewer), .conflict, "LabelLedger.1029")
            }
        }
    }
}
