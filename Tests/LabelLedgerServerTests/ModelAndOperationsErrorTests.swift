import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

extension EndpointErrorSuites {
    /// The model registry, the dataset history, `/health` and `/metrics`: happy paths and
    /// each documented refusal, status and `error_code`.
    @Suite struct ModelAndOperationsErrorTests {
        static let models = "/v2/demo/models"
        static var model: [String: Any] { ["model_name": "net", "model_version": "1", "model_type": 0, "command": ["/bin/true"]] }

        static func with(_ changes: [String: Any]) -> [String: Any] { model.merging(changes) { _, new in new } }

        @Test func register_model_answers_201_and_lists_it() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(.post, Self.models, token: fixture.admin, json: Self.model)
                #expect(reply.status == .created)
                #expect(reply.json["model_id"] as? String == "net:1")
                let list = try await client.call(.get, Self.models, token: fixture.labeler)
                #expect(((list.json["models"] as? [[String: Any]]) ?? []).first?["timeout_seconds"] as? Int == 600)
            }
        }

        @Test func registering_a_model_twice_is_refused_with_409() async throws {
            try await ServerFixture.run { fixture, client in
                _ = try await client.call(.post, Self.models, token: fixture.admin, json: Self.model)
                expectError(try await client.call(.post, Self.models, token: fixture.admin, json: Self.model), .conflict, "LabelLedger.1036")
            }
        }

        @Test func register_model_is_refused_for_a_model_type_other_than_0_or_1() async throws {
            try await ServerFixture.run { fixture, client in
                expectError(try await client.call(.post, Self.models, token: fixture.admin, json: Self.with(["model_type": 5])), .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func register_model_is_refused_without_a_command_line() async throws {
            try await ServerFixture.run { fixture, client in
                expectError(try await client.call(.post, Self.models, token: fixture.admin, json: Self.with(["command": [String]()])), .badRequest, "LabelLedger.1037")
            }
        }

        @Test func register_model_is_refused_for_a_timeout_outside_1_to_86400_seconds() async throws {
            try await ServerFixture.run { fixture, client in
                expectError(try await client.call(.post, Self.models, token: fixture.admin, json: Self.with(["timeout_seconds": 0])), .badRequest, "LabelLedger.1037")
            }
        }

        @Test func register_model_is_refused_for_a_name_with_a_colon() async throws {
            try await ServerFixture.run { fixture, client in
                expectError(try await client.call(.post, Self.models, token: fixture.admin, json: Self.with(["model_name": "a:b"])), .badRequest, "LabelLedger.1037")
            }
        }

        @Test func register_model_is_refused_for_a_negative_timeout() async throws {
            try await ServerFixture.run { fixture, client in
                expectError(try await client.call(.post, Self.models, token: fixture.admin, json: Self.with(["timeout_seconds": -1])), .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func the_dataset_history_filters_by_actor() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                _ = try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [["name": "cat"]]]]])
                let all = try await client.call(.get, dataset + "/history", token: fixture.labeler)
                #expect(((all.json["entries"] as? [[String: Any]]) ?? []).count == 3)
                let leo = try await client.call(.get, dataset + "/history?actor=leo", token: fixture.labeler)
                #expect(((leo.json["entries"] as? [[String: Any]]) ?? []).compactMap { $0["event"] as? String } == ["SampleLabelsReplaced"])
            }
        }

        @Test(arguments: ["?since=yesterday", "?until=soon", "?limit=0", "?limit=10001", "?limit=x"])
        func a_dataset_history_query_with_a_bad_parameter_is_refused_with_400(query: String) async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.get, dataset + "/history" + query, token: fixture.labeler), .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func health_answers_without_a_token() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(.get, "/health", token: nil)
                #expect(reply.status == .ok)
                #expect(reply.json["status"] as? String == "ok")
            }
        }

        @Test func metrics_answer_prometheus_text_to_any_token() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(.get, "/metrics", token: fixture.labeler)
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(reply.text.contains("labelledger_log_head"))
            }
        }
    }
}
