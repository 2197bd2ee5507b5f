import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

extension EndpointErrorSuites {
    /// Create, get and list datasets: each documented refusal, status and `error_code`.
    @Suite struct DatasetErrorTests {
        static let create = "/v2/demo/datasets"

        @Test func create_dataset_answers_201_with_its_id() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(.post, Self.create, token: fixture.admin, json: ["dataset_name": "pets", "dataset_type": 1])
                #expect(reply.status == .created)
                let id = try #require(reply.json["dataset_id"] as? String)
                #expect(try await client.call(.get, Self.create + "/\(id)", token: fixture.labeler).json["dataset_type"] as? Int == 1)
            }
        }

        @Test func create_dataset_is_refused_for_a_name_outside_the_allowed_characters() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(.post, Self.create, token: fixture.admin, json: ["dataset_name": "a b", "dataset_type": 0])
                expectError(reply, .badRequest, "LabelLedger.1001")
            }
        }

        @Test func create_dataset_is_refused_for_a_labeling_type_other_than_0_or_1() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(.post, Self.create, token: fixture.admin, json: ["dataset_name": "seg", "dataset_type": 3])
                expectError(reply, .badRequest, "LabelLedger.1002")
            }
        }

        @Test func create_dataset_is_refused_for_a_label_given_twice() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(
                    .post, Self.create, token: fixture.admin,
                    json: ["dataset_name": "pets", "dataset_type": 0, "labels": [["name": "cat"], ["name": "cat"]]])
                expectError(reply, .conflict, "LabelLedger.1007")
            }
        }

        @Test func create_dataset_is_refused_for_an_invalid_label_name() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(
                    .post, Self.create, token: fixture.admin, json: ["dataset_name": "pets", "dataset_type": 0, "labels": [["name": " cat"]]])
                expectError(reply, .badRequest, "LabelLedger.1005")
            }
        }

        @Test func create_dataset_is_refused_for_a_label_colour_that_is_not_rrggbb() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(
                    .post, Self.create, token: fixture.admin,
                    json: ["dataset_name": "pets", "dataset_type": 0, "labels": [["name": "cat", "property": ["@modelarts:color": "red"]]]])
                expectError(reply, .badRequest, "LabelLedger.1006")
            }
        }

        @Test func create_dataset_is_refused_for_a_field_of_the_wrong_type() async throws {
            try await ServerFixture.run { fixture, client in
                let reply = try await client.call(.post, Self.create, token: fixture.admin, json: ["dataset_name": "pets", "dataset_type": "zero"])
                expectError(reply, .badRequest, "LabelLedger.API.400")
                #expect(reply.errorMessage?.contains("dataset_type") == true)
            }
        }

        @Test func get_dataset_as_of_a_position_that_is_not_a_number_is_400() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.get, dataset + "?as_of_position=x", token: fixture.labeler), .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func get_dataset_as_of_a_position_beyond_the_log_head_is_400() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.get, dataset + "?as_of_position=99999", token: fixture.labeler)
                expectError(reply, .badRequest, "LabelLedger.API.400")
                #expect(reply.errorMessage?.contains("beyond the log head") == true)
            }
        }

        @Test func get_dataset_as_of_a_time_that_is_not_iso_8601_is_400() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.get, dataset + "?as_of_time=yesterday", token: fixture.labeler), .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func get_dataset_as_of_a_position_before_its_creation_is_404() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.get, dataset + "?as_of_position=0", token: fixture.labeler), .notFound, "LabelLedger.API.404")
            }
        }

        @Test func get_dataset_as_of_a_time_shows_the_dataset_then() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.get, dataset + "?as_of_time=2999-01-01T00:00:00Z", token: fixture.labeler)
                #expect(reply.status == .ok)
                #expect(reply.json["dataset_name"] as? String == "pets")
            }
        }

        @Test func list_datasets_shows_only_the_projects_own() async throws {
            try await ServerFixture.run { fixture, client in
                _ = try await client.createDataset()
                let other = try await client.call(.post, "/v2/other/datasets", token: fixture.foreign, json: ["dataset_name": "o", "dataset_type": 0])
                #expect(other.status == .created)
                #expect(try await client.call(.get, "/v2/demo/datasets", token: fixture.admin).json["total_number"] as? Int == 1)
                #expect(try await client.call(.get, "/v2/other/datasets", token: fixture.foreign).json["total_number"] as? Int == 1)
            }
        }

        @Test func stats_count_samples_labels_and_hard_examples() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 3, labels: ["cat", "cat"])
                _ = try await client.call(
                    .post, dataset + "/data-annotations/samples/hard", token: fixture.labeler,
                    json: ["samples": [ids[2]], "hard": true, "reasons": [1]])
                let stats = try await client.call(.get, dataset + "/data-annotations/stats", token: fixture.labeler)
                #expect(stats.status == .ok)
                let labels = (stats.json["label_stats"] as? [[String: Any]]) ?? []
                #expect(labels.first { $0["name"] as? String == "cat" }?["sample_count"] as? Int == 2)
                #expect((stats.json["hard_detail_stats"] as? [String: Any])?.keys.sorted() == ["1"])
            }
        }
    }
}
