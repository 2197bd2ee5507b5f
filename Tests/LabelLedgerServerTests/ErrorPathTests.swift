import Foundation
import Hummingbird
import Testing
import TestSupport
import LedgerComposition
@testable import LabelLedgerServer

extension EndpointErrorSuites {
    /// The errors every operation shares — no token, a role too low, another project's or
    /// an unknown id, a stale `If-Match`, an oversized or malformed body — checked for each
    /// documented operation (``APIOperation/all``), status and `error_code`.
    @Suite struct ErrorPathTests {
        @Test func the_catalog_names_every_documented_operation() throws {
            let cataloged = Set(APIOperation.all.map { "\($0.method.rawValue) \($0.template)" })
            let documented = try ContractTests.documentedOperations()
            #expect(documented.subtracting(cataloged).isEmpty, "missing from the catalog: \(documented.subtracting(cataloged).sorted())")
            #expect(cataloged.subtracting(documented).isEmpty, "not documented: \(cataloged.subtracting(documented).sorted())")
        }

        @Test(arguments: APIOperation.guarded)
        func an_operation_without_a_token_is_refused_with_401(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let reply = try await client.send(operation, token: nil)
                expectError(reply, .unauthorized, "LabelLedger.API.401")
                #expect(reply.headers[.wwwAuthenticate] == "Bearer")
            }
        }

        @Test(arguments: APIOperation.guarded)
        func an_operation_with_an_unknown_token_is_refused_with_401(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                expectError(try await client.send(operation, token: "llt_not-a-token"), .unauthorized, "LabelLedger.API.401")
            }
        }

        @Test(arguments: APIOperation.tooLow)
        func an_operation_is_refused_with_403_for_a_role_below_the_one_it_needs(operation: APIOperation, role: Role) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = datasetID(of: try await client.createDataset())
                let reply = try await client.send(operation, token: fixture.token(role), dataset: dataset)
                expectError(reply, .forbidden, "LabelLedger.API.403")
                #expect(reply.errorMessage?.contains(operation.role!.rawValue) == true, "names the role needed")
            }
        }

        @Test(arguments: APIOperation.inProject)
        func a_token_bound_to_another_project_gets_404_for_everything_of_this_one(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = datasetID(of: try await client.createDataset())
                expectError(try await client.send(operation, token: fixture.foreign, dataset: dataset), .notFound, "LabelLedger.API.404")
            }
        }

        @Test(arguments: APIOperation.inDataset)
        func a_dataset_of_another_project_is_not_found_from_ones_own_project(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = datasetID(of: try await client.createDataset())
                // "olga" may see project "other"; the same id there names nothing.
                let reply = try await client.send(operation, token: fixture.foreign, project: "other", dataset: dataset)
                expectError(reply, .notFound, "LabelLedger.API.404")
            }
        }

        @Test(arguments: APIOperation.inDataset)
        func an_unknown_dataset_is_404(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                expectError(try await client.send(operation, token: fixture.admin), .notFound, "LabelLedger.API.404")
            }
        }

        @Test(arguments: APIOperation.inDataset)
        func a_deleted_dataset_and_everything_under_it_is_404(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let path = try await client.createDataset()
                _ = try await client.addSamples(path, count: 2, labels: ["cat"])
                try await client.deleteDataset(path)
                let reply = try await client.send(operation, token: fixture.admin, dataset: datasetID(of: path))
                expectError(reply, .notFound, "LabelLedger.1046")
                #expect(reply.errorMessage?.contains("deleted by ada") == true)
            }
        }

        @Test(arguments: APIOperation.ifMatch)
        func a_stale_if_match_is_refused_with_412(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = datasetID(of: try await client.createDataset())
                let head = fixture.runtime.log.head
                let reply = try await client.send(operation, token: fixture.admin, dataset: dataset, headers: [.ifMatch: "\"7\""])
                expectError(reply, .preconditionFailed, "LabelLedger.API.412")
                #expect(fixture.runtime.log.head == head, "nothing appended")
            }
        }

        @Test(arguments: APIOperation.ifMatch)
        func an_if_match_that_is_not_a_version_is_refused_with_400(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = datasetID(of: try await client.createDataset())
                let reply = try await client.send(operation, token: fixture.admin, dataset: dataset, headers: [.ifMatch: "\"latest\""])
                expectError(reply, .badRequest, "LabelLedger.API.400")
            }
        }

        @Test(arguments: APIOperation.withBody)
        func a_body_over_the_limit_is_refused_with_413(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make(maxBodyBytes: 1024)
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = datasetID(of: try await client.createDataset())
                let big = #"{"pad":""# + String(repeating: "x", count: 2048) + #""}"#
                let reply = try await client.send(operation, token: fixture.admin, dataset: dataset, body: big)
                expectError(reply, .contentTooLarge, "LabelLedger.API.413")
            }
        }

        @Test(arguments: APIOperation.withBody)
        func a_body_that_is_not_json_is_refused_with_400(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = datasetID(of: try await client.createDataset())
                let reply = try await client.send(operation, token: fixture.admin, dataset: dataset, body: "{not json")
                expectError(reply, .badRequest, "LabelLedger.API.400")
                #expect(reply.errorMessage?.contains("malformed JSON") == true)
            }
        }

        @Test(arguments: APIOperation.withBody)
        func a_body_missing_a_required_field_is_refused_with_400_naming_it(operation: APIOperation) async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = datasetID(of: try await client.createDataset())
                let reply = try await client.send(operation, token: fixture.admin, dataset: dataset, body: "{}")
                expectError(reply, .badRequest, "LabelLedger.API.400")
                #expect(reply.errorMessage?.contains("is required") == true, "\(reply.text)")
            }
        }

        @Test func an_unknown_route_is_404_with_an_error_document() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                expectError(try await client.call(.get, "/v2/demo/nothing-here", token: fixture.admin), .notFound, "LabelLedger.API.404")
            }
        }
    }
}
