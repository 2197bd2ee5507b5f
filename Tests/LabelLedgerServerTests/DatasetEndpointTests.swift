import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

@Suite struct DatasetEndpointTests {
    @Test func create_get_list_and_stats() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset(labels: ["cat", "dog"])
            let got = try await client.call(.get, dataset, token: fixture.labeler)
            #expect(got.status == .ok)
            #expect(got.json["dataset_name"] as? String == "pets")
            #expect(got.headers[.eTag] == "\"1\"")
            let list = try await client.call(.get, "/v2/demo/datasets", token: fixture.labeler)
            #expect((list.json["total_number"] as? Int) == 1)
            _ = try await client.addSamples(dataset, count: 3, labels: ["cat", nil, "dog"])
            let stats = try await client.call(.get, dataset + "/data-annotations/stats", token: fixture.labeler)
            let sampleStats = stats.json["sample_stats"] as? [String: Int]
            #expect(sampleStats == ["un_annotation": 1, "manual_annotation": 2, "auto_annotation": 0, "total": 3])
        }
    }

    @Test func bad_datasets_are_refused_with_the_rule() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let segmentation = try await client.call(.post, "/v2/demo/datasets", token: fixture.admin, json: ["dataset_name": "seg", "dataset_type": 3])
            #expect(segmentation.status == .badRequest)
            #expect(segmentation.errorCode == "LabelLedger.1002")
            let badName = try await client.call(.post, "/v2/demo/datasets", token: fixture.admin, json: ["dataset_name": "a b", "dataset_type": 0])
            #expect(badName.status == .badRequest)
            let missing = try await client.call(.post, "/v2/demo/datasets", token: fixture.admin, json: ["dataset_type": 0])
            #expect(missing.status == .badRequest)
            #expect((missing.json["error_msg"] as? String)?.contains("dataset_name") == true)
            let garbage = try await client.raw(.post, "/v2/demo/datasets", token: fixture.admin, body: "{not json")
            #expect(garbage.status == .badRequest)
            #expect(try await client.call(.get, "/v2/demo/datasets/nope", token: fixture.admin).status == .notFound)
        }
    }

    @Test func the_dataset_as_of_a_position_shows_the_past() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 2)
            let before = fixture.runtime.log.head
            _ = try await client.addSamples(dataset, count: 5, prefix: "later")
            let then = try await client.call(.get, dataset + "?as_of_position=\(before)", token: fixture.labeler)
            #expect((then.json["sample_stats"] as? [String: Int])?["total"] == 2)
            let now = try await client.call(.get, dataset, token: fixture.labeler)
            #expect((now.json["sample_stats"] as? [String: Int])?["total"] == 7)
            #expect(try await client.call(.get, dataset + "?as_of_position=99999", token: fixture.labeler).status == .badRequest)
            #expect(try await client.call(.get, dataset + "?as_of_time=yesterday", token: fixture.labeler).status == .badRequest)
        }
    }

    @Test func labels_are_added_renamed_and_deleted() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset(labels: ["cat"])
            let labels = dataset + "/data-annotations/labels"
            #expect(try await client.call(.post, labels, token: fixture.admin, json: ["labels": [["name": "dog"]]]).status == .created)
            let duplicate = try await client.call(.post, labels, token: fixture.admin, json: ["labels": [["name": "dog"]]])
            #expect(duplicate.status == .conflict)
            #expect(try await client.call(.put, labels, token: fixture.admin, json: ["labels": [["name": "dog", "new_name": "hound"]]]).status == .ok)
            #expect(try await client.call(.delete, labels + "/cat", token: fixture.admin).status == .ok)
            #expect(try await client.call(.delete, labels + "/ghost", token: fixture.admin).status == .notFound)
            let list = try await client.call(.get, labels, token: fixture.labeler)
            #expect(((list.json["labels"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["hound"])
        }
    }

    @Test func if_match_refuses_a_stale_version_with_412() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let labels = dataset + "/data-annotations/labels"
            let stale = try await client.call(.post, labels, token: fixture.admin, json: ["labels": [["name": "bird"]]], headers: [.ifMatch: "\"7\""])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.errorCode == "LabelLedger.API.412")
            let fresh = try await client.call(.post, labels, token: fixture.admin, json: ["labels": [["name": "bird"]]], headers: [.ifMatch: "\"1\""])
            #expect(fresh.status == .created)
            #expect(fresh.headers[.eTag] == "\"2\"")
        }
    }

    @Test func a_retried_request_with_the_same_idempotency_key_appends_nothing() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let body: [String: Any] = ["dataset_name": "once", "dataset_type": 0]
            let first = try await client.call(.post, "/v2/demo/datasets", token: fixture.admin, json: body, headers: [.idempotencyKey: "abc"])
            let head = fixture.runtime.log.head
            let second = try await client.call(.post, "/v2/demo/datasets", token: fixture.admin, json: body, headers: [.idempotencyKey: "abc"])
            #expect(first.status == .created && second.status == .created)
            #expect(first.body == second.body)
            #expect(second.headers[.idempotentReplay] == "true")
            #expect(fixture.runtime.log.head == head)
        }
    }

    @Test func a_body_over_the_limit_gets_413() async throws {
        let fixture = try await ServerFixture.make(maxBodyBytes: 1024)
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let big = try await client.call(
                .post, dataset + "/data-annotations/samples", token: fixture.admin,
                json: ["samples": [["name": "big.png", "data": TestPNG.pattern(width: 64, height: 64, seed: 1).base64EncodedString()]]])
            #expect(big.status == .contentTooLarge)
            #expect(big.errorCode == "LabelLedger.API.413")
        }
    }
}
