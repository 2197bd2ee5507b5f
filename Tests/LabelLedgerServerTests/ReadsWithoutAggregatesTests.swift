import Foundation
import Hummingbird
import Synchronization
import LedgerComposition
import Testing
import TestSupport
@testable import LabelLedgerServer

/// Reads go through the query API (the projections); a dataset's or a model registry's
/// aggregate is loaded only to decide a command (issue 22). A server restarted on a data
/// directory holds no aggregate: answering the continuous-mode setting, a deleted dataset's
/// 404 and the model list must leave it that way, and answer what the first server did.
@Suite struct ReadsWithoutAggregatesTests {
    @Test func reads_after_a_restart_load_no_dataset_and_no_model_registry() async throws {
        let first = try await ServerFixture.make()
        let setup = Mutex<(dataset: String, deleted: String, sample: String, before: [String: ServerFixture.Reply])>(("", "", "", [:]))
        try await first.test { client in
            let dataset = try await client.createDataset(labels: ["cat", "dog"])
            let set = try await client.call(
                .put, dataset + "/auto-annotations/continuous", token: first.reviewer,
                json: ["new_sample_threshold": 7, "algorithm_type": "fast"])
            #expect(set.status == .ok, "\(set.text)")
            let deleted = try await client.createDataset(labels: ["cat"])
            let sample = try #require(try await client.addSamples(deleted, count: 1, labels: ["cat"]).first)
            #expect(try await client.call(.delete, deleted, token: first.admin).status == .ok)
            let registered = try await client.call(
                .post, "/v2/demo/models", token: first.admin,
                json: ["model_name": "digits", "model_version": "2", "model_type": 0, "command": ["/bin/true", "--x"]])
            #expect(registered.status == .created, "\(registered.text)")
            let before = try await Self.reads(client, first, dataset: dataset, deleted: deleted, sample: sample)
            setup.withLock { $0 = (dataset, deleted, sample, before) }
        }
        let (dataset, deleted, sample, before) = setup.withLock { $0 }
        await first.runtime.close()

        let runtime = try await LedgerRuntime(configuration: first.runtime.configuration)
        let second = ServerFixture(
            root: first.root, runtime: runtime, admin: first.admin, reviewer: first.reviewer, labeler: first.labeler,
            foreign: first.foreign)
        defer { Task { await second.cleanup() } }
        #expect(runtime.service.sessionCount == 0 && runtime.service.registryCount == 0)
        try await second.test { client in
            let after = try await Self.reads(client, second, dataset: dataset, deleted: deleted, sample: sample)
            #expect(runtime.service.sessionCount == 0, "a read loaded a dataset's aggregate")
            #expect(runtime.service.registryCount == 0, "a read loaded a model registry's aggregate")
            // The same answers as the server that decided the commands.
            for (name, reply) in after {
                #expect(reply.status == before[name]?.status, "\(name): \(reply.text)")
                #expect(reply.text == before[name]?.text, "\(name)")
            }
            let setting = try #require(after["continuous"])
            #expect(setting.json["enabled"] as? Bool == true && setting.json["new_sample_threshold"] as? Int == 7)
            #expect(setting.json["algorithm_type"] as? String == "fast")
            #expect(setting.json["configured_by"] as? String == "rita")
            for name in ["deleted", "deleted-samples", "deleted-thumbnail", "deleted-continuous"] {
                #expect(after[name]?.status == .notFound, "\(name)")
                #expect(after[name]?.errorCode == "LabelLedger.1046", "\(name): \(after[name]?.text ?? "")")
                #expect(after[name]?.errorMessage?.contains("deleted by ada") == true, "\(name)")
            }
            let models = try #require(after["models"]?.json["models"] as? [[String: Any]])
            #expect(models.count == 1)
            #expect(models.first?["model_id"] as? String == "digits:2")
            #expect(models.first?["command"] as? [String] == ["/bin/true", "--x"])
            #expect(models.first?["timeout_seconds"] as? Int == 600)
            // A command still loads the aggregate it decides on.
            #expect(try await client.call(.put, dataset + "/auto-annotations/continuous", token: second.reviewer,
                                          json: ["new_sample_threshold": 0]).status == .ok)
            #expect(runtime.service.sessionCount == 1)
        }
    }

    /// The reads under test, by name.
    static func reads(
        _ client: ServerFixture.Client, _ fixture: ServerFixture, dataset: String, deleted: String, sample: String
    ) async throws -> [String: ServerFixture.Reply] {
        [
            "continuous": try await client.call(.get, dataset + "/auto-annotations/continuous", token: fixture.labeler),
            "deleted": try await client.call(.get, deleted, token: fixture.labeler),
            "deleted-samples": try await client.call(.get, deleted + "/data-annotations/samples", token: fixture.labeler),
            "deleted-thumbnail": try await client.call(
                .get, deleted + "/data-annotations/samples/\(sample)/thumbnail", token: fixture.labeler),
            "deleted-continuous": try await client.call(.get, deleted + "/auto-annotations/continuous", token: fixture.labeler),
            "models": try await client.call(.get, "/v2/demo/models", token: fixture.labeler),
        ]
    }
}
