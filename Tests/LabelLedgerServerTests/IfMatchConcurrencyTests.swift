import Foundation
import Hummingbird
import HummingbirdTesting
import LabelingDomain
import LabelingService
import Testing
@testable import LabelLedgerServer

/// `If-Match` is the append's expected version: of concurrent requests naming one dataset
/// version, exactly one is appended and every other answers 412 — sent through a real
/// server on a local port, over a pool of connections, so the requests truly overlap.
@Suite struct IfMatchConcurrencyTests {
    static let concurrent = 8

    /// The dataset's version (its ETag).
    static func version(_ client: ServerFixture.Client, _ dataset: String, token: String) async throws -> Int {
        try #require(try await client.call(.get, dataset, token: token).json["version"] as? Int)
    }

    /// Opens a connection per concurrent request first (the client pools them), so that the
    /// requests under test go out together instead of one per new connection.
    static func warmUp(_ client: ServerFixture.Client) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrent { group.addTask { _ = try await client.call(.get, "/health", token: nil) } }
            try await group.waitForAll()
        }
    }

    static func events(_ client: ServerFixture.Client, _ dataset: String, token: String) async throws -> [String] {
        let history = try await client.call(.get, dataset + "/history", token: token)
        return ((history.json["entries"] as? [[String: Any]]) ?? []).compactMap { $0["event"] as? String }
    }

    @Test func concurrent_label_changes_with_one_if_match_append_exactly_one() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test(.ahc(.http)) { client in
            let labels = (0..<Self.concurrent).map { "label\($0)" }
            let dataset = try await client.createDataset(labels: labels)
            let sample = try #require(try await client.addSamples(dataset, count: 1).first)
            let version = try await Self.version(client, dataset, token: fixture.labeler)
            let before = try await Self.events(client, dataset, token: fixture.labeler)
            try await Self.warmUp(client)

            let replies = try await withThrowingTaskGroup(of: ServerFixture.Reply.self) { group in
                for label in labels {
                    group.addTask {
                        try await client.call(
                            .put, dataset + "/data-annotations/samples", token: fixture.labeler,
                            json: ["samples": [["sample_id": sample, "labels": [["name": label]]]]],
                            headers: [.ifMatch: "\"\(version)\""])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            #expect(replies.filter { $0.status == .ok }.count == 1, "\(replies.map(\.text))")
            for reply in replies where reply.status != .ok {
                expectError(reply, .preconditionFailed, "LabelLedger.API.412")
            }
            let after = try await Self.events(client, dataset, token: fixture.labeler)
            #expect(after.count == before.count + 1, "one change, made from version \(version): \(after)")
            #expect(after.last == "SampleLabelsReplaced")
            #expect(try await Self.version(client, dataset, token: fixture.labeler) == version + 1)
        }
    }

    @Test func concurrent_deletions_with_one_if_match_delete_once() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test(.ahc(.http)) { client in
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 2)
            let version = try await Self.version(client, dataset, token: fixture.admin)
            try await Self.warmUp(client)

            let replies = try await withThrowingTaskGroup(of: ServerFixture.Reply.self) { group in
                for _ in 0..<Self.concurrent {
                    group.addTask {
                        try await client.call(.delete, dataset, token: fixture.admin, headers: [.ifMatch: "\"\(version)\""])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            #expect(replies.filter { $0.status == .ok }.count == 1, "\(replies.map(\.text))")
            // The losers either raced the deletion (412) or arrived after it (404, deleted).
            for reply in replies where reply.status != .ok {
                #expect(
                    (reply.status == .preconditionFailed && reply.errorCode == "LabelLedger.API.412")
                        || (reply.status == .notFound && reply.errorCode == "LabelLedger.1046"), "\(reply.text)")
            }
            // The API answers 404 for a deleted dataset's history: read its stream in the log.
            let stream = StreamNames.dataset(DatasetID("demo/\(datasetID(of: dataset))"))
            let events = try fixture.runtime.log.read(stream: stream).map(\.type)
            #expect(events.filter { $0 == "DatasetDeleted" }.count == 1, "\(events)")
        }
    }

    @Test func concurrent_task_starts_with_one_if_match_queue_one_task() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test(.ahc(.http)) { client in
            let (dataset, _) = try await client.createTrainableDataset()
            let version = try await Self.version(client, dataset, token: fixture.reviewer)
            try await Self.warmUp(client)

            let replies = try await withThrowingTaskGroup(of: ServerFixture.Reply.self) { group in
                for _ in 0..<Self.concurrent {
                    group.addTask {
                        try await client.call(
                            .post, dataset + "/tasks", token: fixture.reviewer,
                            json: ["task_type": "auto-label", "config": ["algorithm_type": "fast"]],
                            headers: [.ifMatch: "\"\(version)\""])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            #expect(replies.filter { $0.status == .ok }.count == 1, "\(replies.map(\.text))")
            for reply in replies where reply.status != .ok {
                expectError(reply, .preconditionFailed, "LabelLedger.API.412")
            }
            #expect(try await Self.version(client, dataset, token: fixture.reviewer) == version + 1)
        }
    }
}
