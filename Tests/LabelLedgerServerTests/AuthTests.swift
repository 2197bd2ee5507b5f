import Foundation
import Hummingbird
import Testing
@testable import LabelLedgerServer

@Suite struct AuthTests {
    @Test func every_endpoint_but_health_and_the_contract_needs_a_token() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            #expect(try await client.call(.get, "/health", token: nil).status == .ok)
            for path in ["/metrics", "/v2/demo/datasets", "/v2/demo/models"] {
                let reply = try await client.call(.get, path, token: nil)
                #expect(reply.status == .unauthorized, "\(path)")
                #expect(reply.errorCode == "LabelLedger.API.401")
            }
            #expect(try await client.call(.get, "/v2/demo/datasets", token: "llt_not-a-token").status == .unauthorized)
            // The service's header works too.
            let viaHeader = try await client.call(.get, "/v2/demo/datasets", token: nil, headers: [.authToken: fixture.admin])
            #expect(viaHeader.status == .ok)
        }
    }

    @Test func roles_limit_what_a_token_may_do() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let denied = try await client.call(
                .post, "/v2/demo/datasets", token: fixture.reviewer, json: ["dataset_name": "x", "dataset_type": 0])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "LabelLedger.API.403")
            let dataset = try await client.createDataset()
            let start = try await client.call(.post, dataset + "/tasks", token: fixture.labeler, json: ["task_type": "auto-label"])
            #expect(start.status == .forbidden, "a labeler cannot start tasks")
            let label = try await client.call(.get, dataset + "/data-annotations/labels", token: fixture.labeler)
            #expect(label.status == .ok)
        }
    }

    @Test func a_token_bound_to_a_project_sees_nothing_of_another() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let foreignID = dataset.split(separator: "/").last!
            // 404, not 403: the other project's ids are not even confirmed to exist.
            let reply = try await client.call(.get, dataset, token: fixture.foreign)
            #expect(reply.status == .notFound)
            let same = try await client.call(.get, "/v2/other/datasets/\(foreignID)", token: fixture.foreign)
            #expect(same.status == .notFound)
            let list = try await client.call(.get, "/v2/other/datasets", token: fixture.foreign)
            #expect((list.json["total_number"] as? Int) == 0)
        }
    }

    @Test func tokens_are_stored_only_as_hashes() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let bytes = try Data(contentsOf: fixture.root.appendingPathComponent("server/tokens.sqlite"))
        #expect(bytes.range(of: Data(fixture.admin.utf8)) == nil)
        #expect(try await fixture.runtime.tokens.identity(for: fixture.admin)?.role == .admin)
    }
}
