import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

extension EndpointErrorSuites {
    /// The label set: add, rename, delete — each documented refusal, status and `error_code`.
    @Suite struct LabelErrorTests {
        static func labels(_ dataset: String) -> String { dataset + "/data-annotations/labels" }

        @Test func add_labels_is_refused_for_a_label_already_in_the_set() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(labels: ["cat"])
                let reply = try await client.call(.post, Self.labels(dataset), token: fixture.admin, json: ["labels": [["name": "cat"]]])
                expectError(reply, .conflict, "LabelLedger.1007")
            }
        }

        @Test func add_labels_is_refused_for_an_invalid_label_name() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.post, Self.labels(dataset), token: fixture.admin, json: ["labels": [["name": ""]]])
                expectError(reply, .badRequest, "LabelLedger.1005")
            }
        }

        @Test func add_labels_is_refused_for_an_empty_list() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.post, Self.labels(dataset), token: fixture.admin, json: ["labels": [Any]()])
                expectError(reply, .badRequest, "LabelLedger.1010")
            }
        }

        @Test func rename_labels_answers_200_and_renames_on_samples_too() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1, labels: ["cat"])
                let reply = try await client.call(.put, Self.labels(dataset), token: fixture.admin, json: ["labels": [["name": "cat", "new_name": "kitten"]]])
                #expect(reply.status == .ok)
                let sample = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[0])", token: fixture.labeler)
                #expect(((sample.json["labels"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["kitten"])
            }
        }

        @Test func rename_labels_is_refused_for_an_empty_list() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.put, Self.labels(dataset), token: fixture.admin, json: ["labels": [Any]()])
                expectError(reply, .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func rename_labels_is_refused_for_a_label_not_in_the_set() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.put, Self.labels(dataset), token: fixture.admin, json: ["labels": [["name": "ghost", "new_name": "spirit"]]])
                expectError(reply, .notFound, "LabelLedger.1008")
            }
        }

        @Test func rename_labels_is_refused_for_a_new_name_already_taken() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(labels: ["cat", "dog"])
                let reply = try await client.call(.put, Self.labels(dataset), token: fixture.admin, json: ["labels": [["name": "cat", "new_name": "dog"]]])
                expectError(reply, .conflict, "LabelLedger.1007")
            }
        }

        @Test func rename_labels_is_refused_for_an_invalid_new_name() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.put, Self.labels(dataset), token: fixture.admin, json: ["labels": [["name": "cat", "new_name": ""]]])
                expectError(reply, .badRequest, "LabelLedger.1005")
            }
        }

        @Test func delete_label_is_refused_for_a_label_not_in_the_set() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.delete, Self.labels(dataset) + "/ghost", token: fixture.admin), .notFound, "LabelLedger.1008")
            }
        }

        @Test func delete_label_is_refused_with_409_while_samples_carry_it() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                _ = try await client.addSamples(dataset, count: 2, labels: ["cat", "cat"])
                let reply = try await client.call(.delete, Self.labels(dataset) + "/cat", token: fixture.admin)
                expectError(reply, .conflict, "LabelLedger.1009")
                #expect(reply.errorMessage?.contains("2 sample") == true)
            }
        }

        @Test func delete_label_with_delete_policy_1_strips_it_from_its_samples() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1, labels: ["cat"])
                #expect(try await client.call(.delete, Self.labels(dataset) + "/cat?delete_policy=1", token: fixture.admin).status == .ok)
                let sample = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[0])", token: fixture.labeler)
                #expect(sample.json["sample_status"] as? String == "__NONE__")
            }
        }

        @Test func delete_label_accepts_a_percent_encoded_name() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(labels: ["red car"])
                #expect(try await client.call(.delete, Self.labels(dataset) + "/red%20car", token: fixture.admin).status == .ok)
            }
        }

        @Test func a_retry_with_its_idempotency_key_and_first_if_match_gets_the_first_answer_not_412() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let headers: HTTPFields = [.ifMatch: "\"1\"", .idempotencyKey: "add-bird"]
                let first = try await client.call(.post, Self.labels(dataset), token: fixture.admin, json: ["labels": [["name": "bird"]]], headers: headers)
                #expect(first.status == .created)
                let head = fixture.runtime.log.head
                // The dataset is at version 2 now; the retry still carries If-Match "1".
                let retry = try await client.call(.post, Self.labels(dataset), token: fixture.admin, json: ["labels": [["name": "bird"]]], headers: headers)
                #expect(retry.status == .created, "\(retry.text)")
                #expect(retry.body == first.body)
                #expect(retry.headers[.idempotentReplay] == "true")
                #expect(fixture.runtime.log.head == head)
            }
        }
    }
}
