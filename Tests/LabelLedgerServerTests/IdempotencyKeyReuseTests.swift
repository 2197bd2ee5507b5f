import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import LabelLedgerServer

/// An `Idempotency-Key` names one request: a retry of it (same method, path, query and body)
/// gets the first answer back; the key sent with another request answers 422
/// `LabelLedger.API.4300` and changes nothing. Through a real server on a local port, where
/// bodies arrive streamed.
@Suite struct IdempotencyKeyReuseTests {
    static func labels(_ client: ServerFixture.Client, _ dataset: String, _ sample: String, token: String) async throws -> [String] {
        let reply = try await client.call(.get, dataset + "/data-annotations/samples/\(sample)", token: token)
        return ((reply.json["labels"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    }

    @Test func a_key_reused_with_another_body_is_refused_with_422_and_changes_nothing() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test(.ahc(.http)) { client in
            let dataset = try await client.createDataset()
            let sample = try #require(try await client.addSamples(dataset, count: 1).first)
            let path = dataset + "/data-annotations/samples"
            func label(_ name: String) -> [String: Any] { ["samples": [["sample_id": sample, "labels": [["name": name]]]]] }

            let first = try await client.call(.put, path, token: fixture.labeler, json: label("cat"), headers: [.idempotencyKey: "k-1"])
            #expect(first.status == .ok, "\(first.text)")
            let version = try #require(try await client.call(.get, dataset, token: fixture.labeler).json["version"] as? Int)

            let other = try await client.call(.put, path, token: fixture.labeler, json: label("dog"), headers: [.idempotencyKey: "k-1"])
            expectError(other, .unprocessableContent, "LabelLedger.API.4300")
            #expect(other.errorMessage?.contains("k-1") == true)
            #expect(try await Self.labels(client, dataset, sample, token: fixture.labeler) == ["cat"])
            #expect(try await client.call(.get, dataset, token: fixture.labeler).json["version"] as? Int == version)

            // The retry of the first request is still answered from the first answer.
            let retry = try await client.call(.put, path, token: fixture.labeler, json: label("cat"), headers: [.idempotencyKey: "k-1"])
            #expect(retry.status == .ok)
            #expect(retry.headers[.idempotentReplay] == "true")
            #expect(retry.body == first.body)
        }
    }

    @Test func a_key_reused_on_another_path_is_refused_with_422() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test(.ahc(.http)) { client in
            let dataset = try await client.createDataset()
            let samples = try await client.addMachineSamples(dataset, count: 2)
            let body: [String: Any] = ["samples": [samples[0]]]
            let rejected = try await client.call(
                .post, dataset + "/data-annotations/samples/reject", token: fixture.labeler, json: body, headers: [.idempotencyKey: "k-2"])
            #expect(rejected.status == .ok, "\(rejected.text)")
            let version = try #require(try await client.call(.get, dataset, token: fixture.labeler).json["version"] as? Int)

            let hard = try await client.call(
                .post, dataset + "/data-annotations/samples/delete", token: fixture.admin, json: body, headers: [.idempotencyKey: "k-2"])
            #expect(hard.status == .ok, "another token's key is its own: \(hard.text)")
            let confirm = try await client.call(
                .post, dataset + "/data-annotations/samples/confirm", token: fixture.labeler,
                json: ["samples": [["sample_id": samples[1]]]], headers: [.idempotencyKey: "k-2"])
            expectError(confirm, .unprocessableContent, "LabelLedger.API.4300")
            #expect(try await client.call(.get, dataset, token: fixture.labeler).json["version"] as? Int == version + 1)
        }
    }
}
