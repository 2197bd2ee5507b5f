import Foundation
import Hummingbird
import LabelingDomain
import Projections
import Testing
import TestSupport
@testable import LabelLedgerServer

extension EndpointErrorSuites {
    /// `DELETE /v2/{project_id}/datasets/{dataset_id}`.
    @Suite struct DatasetDeletionEndpointTests {
        @Test func delete_dataset_answers_200_with_the_version_of_the_deletion() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                _ = try await client.addSamples(dataset, count: 3, labels: ["cat"])
                let reply = try await client.call(.delete, dataset, token: fixture.admin)
                #expect(reply.status == .ok)
                #expect(reply.json["success"] as? Bool == true)
                #expect(reply.json["version"] as? Int == 3)
                #expect(reply.headers[.eTag] == "\"3\"")
            }
        }

        @Test func a_deleted_dataset_is_404_naming_the_deletion() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                try await client.deleteDataset(dataset)
                let reply = try await client.call(.get, dataset, token: fixture.labeler)
                expectError(reply, .notFound, "LabelLedger.1046")
                #expect(reply.errorMessage?.contains("was deleted by ada") == true)
            }
        }

        @Test func list_datasets_no_longer_shows_a_deleted_dataset() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let kept = try await client.createDataset()
                let deleted = try await client.createDataset()
                try await client.deleteDataset(deleted)
                let list = try await client.call(.get, "/v2/demo/datasets", token: fixture.labeler)
                #expect(list.json["total_number"] as? Int == 1)
                let ids = ((list.json["datasets"] as? [[String: Any]]) ?? []).compactMap { $0["dataset_id"] as? String }
                #expect(ids == [datasetID(of: kept)])
            }
        }

        @Test func the_dataset_as_of_a_position_before_its_deletion_is_still_shown() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                _ = try await client.addSamples(dataset, count: 4)
                let before = fixture.runtime.log.head
                try await client.deleteDataset(dataset)
                let then = try await client.call(.get, dataset + "?as_of_position=\(before)", token: fixture.labeler)
                #expect(then.status == .ok)
                #expect(then.json["dataset_name"] as? String == "pets")
                #expect((then.json["sample_stats"] as? [String: Int])?["total"] == 4)
            }
        }

        @Test func the_dataset_as_of_the_deletion_is_404() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                try await client.deleteDataset(dataset)
                let reply = try await client.call(.get, dataset + "?as_of_position=\(fixture.runtime.log.head)", token: fixture.labeler)
                expectError(reply, .notFound, "LabelLedger.API.404")
            }
        }

        @Test func delete_dataset_is_refused_for_a_labeler_token() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.delete, dataset, token: fixture.labeler), .forbidden, "LabelLedger.API.403")
                #expect(try await client.call(.get, dataset, token: fixture.labeler).status == .ok, "still there")
            }
        }

        @Test func delete_dataset_is_refused_for_a_reviewer_token() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.delete, dataset, token: fixture.reviewer), .forbidden, "LabelLedger.API.403")
            }
        }

        @Test func delete_dataset_is_refused_with_409_while_an_auto_labeling_task_is_queued() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let (dataset, _) = try await client.createTrainableDataset()
                let task = try await client.startTask(dataset)
                let reply = try await client.call(.delete, dataset, token: fixture.admin)
                expectError(reply, .conflict, "LabelLedger.1047")
                #expect(reply.errorMessage?.contains(task) == true, "names the task")
                #expect(try await client.call(.get, dataset, token: fixture.labeler).status == .ok, "still there")
            }
        }

        @Test func delete_dataset_is_refused_while_its_task_is_stopping() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let (dataset, _) = try await client.createTrainableDataset()
                let task = try await client.startTask(dataset)
                #expect(try await client.call(.post, dataset + "/tasks/\(task)/stop", token: fixture.reviewer).status == .ok)
                expectError(try await client.call(.delete, dataset, token: fixture.admin), .conflict, "LabelLedger.1047")
            }
        }

        @Test func delete_dataset_is_accepted_once_its_task_has_stopped() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let (dataset, _) = try await client.createTrainableDataset()
                let task = try await client.startTask(dataset)
                #expect(try await client.call(.post, dataset + "/tasks/\(task)/stop", token: fixture.reviewer).status == .ok)
                // What the reactor does once the task has stopped (no reactor runs here).
                _ = try await fixture.runtime.service.execute(
                    .markStopped(TaskID(task), at: .now), on: DatasetID("demo/\(datasetID(of: dataset))"), actor: "auto-labeling")
                #expect(try await client.call(.delete, dataset, token: fixture.admin).status == .ok)
            }
        }

        @Test func delete_dataset_with_the_current_if_match_succeeds() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                let etag = try #require(try await client.call(.get, dataset, token: fixture.admin).headers[.eTag])
                #expect(try await client.call(.delete, dataset, token: fixture.admin, headers: [.ifMatch: etag]).status == .ok)
            }
        }

        @Test func delete_dataset_with_a_stale_if_match_is_refused_with_412_and_deletes_nothing() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                _ = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.delete, dataset, token: fixture.admin, headers: [.ifMatch: "\"1\""])
                expectError(reply, .preconditionFailed, "LabelLedger.API.412")
                #expect(try await client.call(.get, dataset, token: fixture.labeler).status == .ok)
            }
        }

        @Test func a_retried_delete_with_the_same_idempotency_key_returns_the_first_answer() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                let first = try await client.call(.delete, dataset, token: fixture.admin, headers: [.idempotencyKey: "del-1"])
                let head = fixture.runtime.log.head
                let second = try await client.call(.delete, dataset, token: fixture.admin, headers: [.idempotencyKey: "del-1"])
                #expect(first.status == .ok && second.status == .ok)
                #expect(first.body == second.body)
                #expect(second.headers[.idempotentReplay] == "true")
                #expect(fixture.runtime.log.head == head)
            }
        }

        @Test func deleting_a_deleted_dataset_again_is_404() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                try await client.deleteDataset(dataset)
                expectError(try await client.call(.delete, dataset, token: fixture.admin), .notFound, "LabelLedger.1046")
            }
        }

        @Test func deleting_an_unknown_dataset_is_404() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                expectError(try await client.call(.delete, "/v2/demo/datasets/nope", token: fixture.admin), .notFound, "LabelLedger.API.404")
            }
        }

        @Test func deleting_another_projects_dataset_is_404_and_deletes_nothing() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.delete, dataset, token: fixture.foreign), .notFound, "LabelLedger.API.404")
                expectError(
                    try await client.call(.delete, "/v2/other/datasets/\(datasetID(of: dataset))", token: fixture.foreign),
                    .notFound, "LabelLedger.API.404")
                #expect(try await client.call(.get, dataset, token: fixture.labeler).status == .ok)
            }
        }

        @Test func the_deletion_drops_the_datasets_projection_rows_but_keeps_its_history() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let dataset = try await client.createDataset()
                _ = try await client.addSamples(dataset, count: 3, labels: ["cat", "dog"])
                try await client.deleteDataset(dataset)
                let id = DatasetID("demo/\(datasetID(of: dataset))")
                #expect(try fixture.runtime.queries.projections.datasetIDs().contains(id) == false)
                #expect(throws: ProjectionError.datasetNotFound(id)) { try fixture.runtime.queries.projections.stats(of: id) }
                let trail = try fixture.runtime.queries.projections.history(HistoryQuery(.dataset(id)))
                #expect(trail.map(\.type) == ["DatasetCreated", "SamplesAdded", "DatasetDeleted"])
                #expect(trail.last?.actor == "ada")
            }
        }

        @Test func a_new_dataset_may_take_the_name_of_a_deleted_one() async throws {
            let fixture = try await ServerFixture.make()
            defer { Task { await fixture.cleanup() } }
            try await fixture.test { client in
                let old = try await client.createDataset()
                try await client.deleteDataset(old)
                let new = try await client.createDataset()
                #expect(new != old)
                let got = try await client.call(.get, new, token: fixture.labeler)
                #expect(got.json["dataset_name"] as? String == "pets")
            }
        }
    }
}
