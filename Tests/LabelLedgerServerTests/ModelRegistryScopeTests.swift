import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// Models belong to a project: a model registered under `/v2/P/models` is listed only by P,
/// runs only on P's datasets, and leaves other projects free to register the same name.
/// Checked both ways between project "demo" (admin `ada`, reviewer `rita`) and project
/// "other" (admin `olga`, bound to it).
@Suite struct ModelRegistryScopeTests {
    static func model(_ name: String, command: String = "/bin/true") -> [String: Any] {
        ["model_name": name, "model_version": "1", "model_type": 0, "command": [command]]
    }

    static func listed(_ client: ServerFixture.Client, project: String, token: String) async throws -> [String: [String]] {
        let reply = try await client.call(.get, "/v2/\(project)/models", token: token)
        #expect(reply.status == .ok, "\(reply.text)")
        var result: [String: [String]] = [:]
        for model in (reply.json["models"] as? [[String: Any]]) ?? [] {
            result[model["model_id"] as? String ?? "?"] = model["command"] as? [String] ?? []
        }
        return result
    }

    /// A trainable classification dataset of project "other"; returns its path prefix.
    static func otherDataset(_ client: ServerFixture.Client, _ fixture: ServerFixture) async throws -> String {
        let created = try await client.call(
            .post, "/v2/other/datasets", token: fixture.foreign,
            json: ["dataset_name": "theirs", "dataset_type": 0, "labels": [["name": "cat"], ["name": "dog"]]])
        let dataset = "/v2/other/datasets/\(created.json["dataset_id"] as? String ?? "?")"
        let samples: [[String: Any]] = (0..<4).map {
            ["name": "o\($0).png", "data": TestPNG.pattern(width: 8, height: 8, seed: 900 + $0).base64EncodedString()]
        }
        let added = try await client.call(.post, dataset + "/data-annotations/samples", token: fixture.foreign, json: ["samples": samples])
        #expect(added.status == .ok, "\(added.text)")
        return dataset
    }

    @Test func a_model_is_listed_only_by_the_project_that_registered_it() async throws {
        try await ServerFixture.run { fixture, client in
            let theirsRegistered = try await client.call(.post, "/v2/other/models", token: fixture.foreign, json: Self.model("theirs"))
            #expect(theirsRegistered.status == .created, "\(theirsRegistered.text)")
            let oursRegistered = try await client.call(.post, "/v2/demo/models", token: fixture.admin, json: Self.model("ours"))
            #expect(oursRegistered.status == .created, "\(oursRegistered.text)")

            let demoModels = try await Self.listed(client, project: "demo", token: fixture.labeler).keys.sorted()
            #expect(demoModels == ["ours:1"])
            let otherModels = try await Self.listed(client, project: "other", token: fixture.foreign).keys.sorted()
            #expect(otherModels == ["theirs:1"])
        }
    }

    @Test func a_pre_label_task_cannot_use_another_projects_model() async throws {
        try await ServerFixture.run { fixture, client in
            let (ours, _) = try await client.createTrainableDataset()
            let theirs = try await Self.otherDataset(client, fixture)
            let theirsModel = try await client.call(.post, "/v2/other/models", token: fixture.foreign, json: Self.model("theirs"))
            #expect(theirsModel.status == .created, "\(theirsModel.text)")
            let oursModel = try await client.call(.post, "/v2/demo/models", token: fixture.admin, json: Self.model("ours"))
            #expect(oursModel.status == .created, "\(oursModel.text)")

            // demo → other's model, and other → demo's model: unknown to the project, 404.
            expectError(
                try await client.call(.post, ours + "/tasks", token: fixture.reviewer, json: ["task_type": "pre-label", "model_id": "theirs:1"]),
                .notFound, "LabelLedger.1035")
            expectError(
                try await client.call(.post, theirs + "/tasks", token: fixture.foreign, json: ["task_type": "pre-label", "model_id": "ours:1"]),
                .notFound, "LabelLedger.1035")
            // Each project's own model is usable on its own data.
            let ourTask = try await client.call(.post, ours + "/tasks", token: fixture.reviewer, json: ["task_type": "pre-label", "model_id": "ours:1"])
            #expect(ourTask.status == .ok, "\(ourTask.text)")
            let theirTask = try await client.call(.post, theirs + "/tasks", token: fixture.foreign, json: ["task_type": "pre-label", "model_id": "theirs:1"])
            #expect(theirTask.status == .ok, "\(theirTask.text)")
        }
    }

    @Test func the_same_model_name_registers_independently_in_each_project() async throws {
        try await ServerFixture.run { fixture, client in
            let theirs = try await client.call(.post, "/v2/other/models", token: fixture.foreign, json: Self.model("net", command: "/usr/bin/theirs"))
            #expect(theirs.status == .created, "\(theirs.text)")
            // No 409 revealing the other project's model.
            let ours = try await client.call(.post, "/v2/demo/models", token: fixture.admin, json: Self.model("net", command: "/usr/bin/ours"))
            #expect(ours.status == .created, "\(ours.text)")

            let demoModels = try await Self.listed(client, project: "demo", token: fixture.labeler)
            #expect(demoModels == ["net:1": ["/usr/bin/ours"]])
            let otherModels = try await Self.listed(client, project: "other", token: fixture.foreign)
            #expect(otherModels == ["net:1": ["/usr/bin/theirs"]])
            // Within one project a name and version is still registered once.
            expectError(
                try await client.call(.post, "/v2/demo/models", token: fixture.admin, json: Self.model("net")), .conflict, "LabelLedger.1036")
        }
    }
}
