import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// A model has one name everywhere — `<name>:<version>` as registered, on its tasks, and in
/// `model:<name>:<version>` as a sample's labeler and the tab filter — and a tab filter naming
/// a labeler the dataset does not have is 400 `LabelLedger.API.4301`, never an empty page.
@Suite struct LabelerSpellingTests {
    static func tab(_ client: ServerFixture.Client, _ dataset: String, labeler: String, token: String) async throws -> ServerFixture.Reply {
        let query = labeler.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? labeler
        return try await client.call(.get, dataset + "/data-annotations/samples?limit=100&labeler=\(query)", token: token)
    }

    @Test func a_task_shows_its_model_as_registered() async throws {
        try await ServerFixture.run { fixture, client in
            let (dataset, _) = try await client.createTrainableDataset()
            let registered = try await client.call(
                .post, "/v2/demo/models", token: fixture.admin,
                json: ["model_name": "digits", "model_version": "1.0", "model_type": 0, "command": ["/bin/true"]])
            let modelID = try #require(registered.json["model_id"] as? String)
            #expect(modelID == "digits:1.0")
            let started = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "pre-label", "model_id": modelID])
            let task = try #require(started.json["task_id"] as? String, "\(started.text)")
            let shown = try await client.call(.get, dataset + "/tasks/\(task)", token: fixture.labeler)
            #expect(shown.json["model_id"] as? String == modelID, "\(shown.text)")
        }
    }

    @Test func the_labeler_a_sample_shows_is_the_labeler_the_tab_filters_by() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 2, labels: ["cat", "dog"])
            let machine = try await client.addMachineSamples(dataset, count: 3)
            let all = try await client.call(.get, dataset + "/data-annotations/samples?limit=100", token: fixture.labeler)
            let labelers = Set(((all.json["samples"] as? [[String: Any]]) ?? []).compactMap { $0["labeler"] as? String })
            #expect(labelers == ["person:ada", "model:api:ada:imported"])
            for labeler in labelers {
                let page = try await Self.tab(client, dataset, labeler: labeler, token: fixture.labeler)
                let ids = ((page.json["samples"] as? [[String: Any]]) ?? []).compactMap { $0["sample_id"] as? String }
                #expect(ids.count == (labeler.hasPrefix("model:") ? machine.count : 2), "\(labeler): \(page.text)")
            }
            // One spelling: the bare user name is not how answers show a person.
            expectError(try await Self.tab(client, dataset, labeler: "ada", token: fixture.labeler), .badRequest, "LabelLedger.API.4301")
        }
    }

    @Test(arguments: ["model:api:ada@imported", "model:ghost:1", "model:", "model:nameonly", "person:", "active-learning", "person:nobody"])
    func a_tab_filter_naming_an_unknown_labeler_is_refused_with_400(labeler: String) async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 1, labels: ["cat"])
            _ = try await client.addMachineSamples(dataset, count: 1)
            expectError(try await Self.tab(client, dataset, labeler: labeler, token: fixture.labeler), .badRequest, "LabelLedger.API.4301")
        }
    }
}
