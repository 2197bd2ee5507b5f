import EventLog
import Foundation
import GRDB
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import Projections

/// `DatasetDeleted` drops the dataset's rows from the read models; its audit trail stays.
/// Serialized: each test runs two random workloads through the real service, and all of
/// them at once would crowd out the timing-bound reactor tests in the same process.
@Suite(.serialized) struct DatasetDeletionProjectionTests {
    /// Rows of `dataset` in each table of the datasets and audit projections.
    static func rowCounts(_ dataset: String, in store: ProjectionStore) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let tables: [(ProjectionKind, [String])] = [
            (.datasets, ["datasets", "labels", "sample_stats", "hard_detail_stats", "samples", "sample_labels"]),
            (.audit, ["audit_events", "audit_samples", "audit_heads"]),
        ]
        for (kind, names) in tables {
            try store.database(kind).read { db in
                for table in names {
                    counts[table] = try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM \(table) WHERE dataset = ?", arguments: [dataset])
                }
            }
        }
        return counts
    }

    /// Two datasets with random activity ("ds" and "other"), then "ds" deleted once its
    /// tasks are over (the workload's tasks always end).
    static func arrange(_ fixture: ProjectionFixture, seed: UInt64) async throws -> (beforeDeletion: UInt64, deletion: UInt64) {
        var ds = Workload(service: fixture.service, seed: seed)
        try await ds.generate(samples: 30, steps: 40)
        try await ds.run(.markHard(["s1", "s2"], reasonCodes: [1, 5], coefficient: 0.5, by: "ana"), actor: "ana")
        var other = Workload(service: fixture.service, dataset: "other", seed: seed + 1)
        try await other.generate(samples: 20, steps: 20)
        let before = fixture.log.head
        let outcome = try await fixture.service.execute(.deleteDataset(by: "ada", at: ds.now()), on: "ds", actor: "ada")
        return (before, try #require(outcome.append?.lastPosition))
    }

    @Test func deleting_a_dataset_drops_its_rows_from_every_table_but_the_audit_index() async throws {
        let fixture = try ProjectionFixture()
        try await fixture.projector.catchUp(upTo: try await Self.arrange(fixture, seed: 81).beforeDeletion)
        let before = try Self.rowCounts("ds", in: fixture.store)
        #expect(before["samples"]! > 0 && before["sample_labels"]! > 0 && before["hard_detail_stats"]! > 0)
        let otherBefore = try Self.rowCounts("other", in: fixture.store)
        try await fixture.projector.catchUp()
        let after = try Self.rowCounts("ds", in: fixture.store)
        #expect(before["audit_heads"] == before["samples"])
        for table in ["datasets", "labels", "sample_stats", "hard_detail_stats", "samples", "sample_labels", "audit_heads"] {
            #expect(after[table] == 0, "\(table) still has rows of the deleted dataset")
        }
        #expect(after["audit_events"] == before["audit_events"]! + 1)
        #expect(after["audit_samples"] == before["audit_samples"]! + before["samples"]!)
        #expect(try Self.rowCounts("other", in: fixture.store) == otherBefore)
        #expect(try fixture.queries.datasetIDs() == ["other"])
        await fixture.cleanup()
    }

    @Test func the_dataset_history_ends_with_the_deletion() async throws {
        let fixture = try ProjectionFixture()
        let positions = try await Self.arrange(fixture, seed: 82)
        try await fixture.projector.catchUp()
        let trail = try fixture.queries.history(HistoryQuery(.dataset("ds")))
        let last = try #require(trail.last)
        #expect(last.type == "DatasetDeleted")
        #expect(last.position == positions.deletion)
        #expect(last.actor == "ada")
        #expect(last.summary.hasPrefix("deleted dataset 'ds-ds' with "))
        #expect(trail.first?.type == "DatasetCreated", "the whole history stays")
        await fixture.cleanup()
    }

    @Test func each_samples_trail_ends_with_the_dataset_deletion() async throws {
        let fixture = try ProjectionFixture()
        _ = try await Self.arrange(fixture, seed: 83)
        try await fixture.projector.catchUp()
        let trail = try fixture.queries.history(HistoryQuery(.sample("s1", dataset: "ds")))
        #expect(trail.first?.whatChanged.hasPrefix("added") == true)
        #expect(trail.last?.sample?.change == "dataset deleted")
        #expect(trail.last?.sample?.after == "deleted")
        await fixture.cleanup()
    }

    @Test func a_rebuild_in_one_batch_gives_the_same_rows_as_event_by_event() async throws {
        // One batch holds the deletion and the counter deltas before it: nothing of the
        // deleted dataset may come back when the batch's counters are written.
        let fixture = try ProjectionFixture(batchSize: 1)
        _ = try await Self.arrange(fixture, seed: 84)
        try await fixture.projector.catchUp()
        let (fresh, directory) = try await fixture.freshStore(batchSize: 100_000)
        for kind in ProjectionKind.allCases {
            #expect(try ProjectionDump.text(of: kind, in: fixture.store) == ProjectionDump.text(of: kind, in: fresh))
        }
        #expect(try Self.rowCounts("ds", in: fresh)["hard_detail_stats"] == 0)
        directory.cleanup()
        await fixture.cleanup()
    }

    @Test func the_datasets_as_of_a_position_before_the_deletion_include_it() async throws {
        let fixture = try ProjectionFixture()
        let positions = try await Self.arrange(fixture, seed: 85)
        try await fixture.projector.catchUp()
        #expect(try fixture.queries.datasetIDs(asOfPosition: positions.beforeDeletion) == ["ds", "other"])
        #expect(try fixture.queries.datasetIDs(asOfPosition: positions.deletion) == ["other"])
        // At every position (and past the head), as the log says: created by then, not deleted by then.
        let events = try fixture.log.read(from: 1)
        for position in 0...(fixture.log.head + 2) {
            var live: Set<DatasetID> = []
            for event in events where event.position <= position {
                guard let id = StreamNames.datasetID(ofStream: event.streamID) else { continue }
                if event.type == "DatasetCreated" { live.insert(id) }
                if event.type == "DatasetDeleted" { live.remove(id) }
            }
            #expect(try fixture.queries.datasetIDs(asOfPosition: position) == live.sorted(), "at \(position)")
        }
        #expect(try fixture.queries.datasetIDs(asOfPosition: .max) == ["other"])
        await fixture.cleanup()
    }

    @Test func the_replay_before_the_deletion_shows_the_dataset_and_after_it_shows_the_deletion() async throws {
        let fixture = try ProjectionFixture()
        let positions = try await Self.arrange(fixture, seed: 86)
        let then = try #require(try DatasetReplay.replay("ds", log: fixture.log, upTo: positions.beforeDeletion))
        #expect(then.state.exists)
        #expect(!then.state.samples.isEmpty)
        let now = try #require(try DatasetReplay.replay("ds", log: fixture.log, upTo: positions.deletion))
        #expect(now.state.deletion?.by == "ada")
        #expect(now.state.samples.isEmpty)
        await fixture.cleanup()
    }

    @Test func the_tasks_projection_keeps_the_deleted_datasets_task_history() async throws {
        let fixture = try ProjectionFixture()
        _ = try await Self.arrange(fixture, seed: 87)
        try await fixture.projector.catchUp()
        let tasks = try fixture.queries.tasks(of: "ds", type: nil, offset: 0, limit: 100)
        #expect(tasks.totalCount > 0)
        #expect(tasks.tasks.allSatisfy { $0.status.isTerminal })
        await fixture.cleanup()
    }

    @Test func the_cli_history_of_a_deleted_dataset_still_shows_its_trail() async throws {
        let child = try #require(BuiltExecutable.locate("labelledger"), "labelledger was not built beside the tests")
        let fixture = try ProjectionFixture()
        defer { fixture.directory.cleanup() }
        _ = try await Self.arrange(fixture, seed: 88)
        await fixture.log.close()
        let text = try await ChildProcess.run(child, arguments: ["history", "--data", fixture.directory.url.path, "--dataset", "ds"])
            .output
        let lines = text.split(separator: "\n")
        #expect(lines.first?.contains("created dataset 'ds-ds'") == true, "\(text)")
        #expect(lines.dropLast().last?.contains("ada  deleted dataset 'ds-ds'") == true, "\(text)")
    }
}
