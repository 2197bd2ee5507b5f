import Foundation
import GRDB
import LabelingDomain
import TestSupport
import Testing
@testable import Projections

/// The projection rows equal what the domain's own `evolve` says, sample by sample and
/// counter by counter, after seeded random activity of every kind.
@Suite struct DomainEquivalenceTests {
    @Test(arguments: [(LabelingType.imageClassification, UInt64(11)), (.objectDetection, 12)])
    func samples_and_stats_match_the_domain_state(type: LabelingType, seed: UInt64) async throws {
        let fixture = try ProjectionFixture(name: "equivalence\(seed)", batchSize: 37)
        var workload = Workload(service: fixture.service, type: type, seed: seed)
        try await workload.generate(samples: 120, steps: 150)
        try await fixture.projector.catchUp()
        let state = try await workload.state()

        let ids = try fixture.queries.datasetIDs()
        #expect(ids == ["ds"])
        for (id, record) in state.samples {
            let view = try #require(try fixture.queries.sample(id, in: "ds"), "sample \(id) missing")
            #expect(view.state == record.state, "state of \(id)")
            #expect(view.labels == record.visibleLabels, "labels of \(id)")
            #expect(view.name == record.name)
            #expect(view.isHard == (record.hardMark != nil), "hard mark of \(id)")
            #expect(view.hardReasons == (record.hardMark?.reasons ?? []), "hard reasons of \(id)")
            #expect(view.hardCoefficient == record.hardMark?.coefficient)
            #expect(view.labeler == record.visibleLabels.first.map { Labeler($0.annotator) })
        }
        let stats = try fixture.queries.stats(of: "ds")
        let summary = DatasetSummary(state)
        #expect(stats.sampleStats == summary.sampleStats)
        #expect(stats.labelStats.map(\.name) == summary.labelStats.map(\.name))
        #expect(stats.labelStats.map(\.count) == summary.labelStats.map(\.count))
        #expect(stats.labelStats.map(\.sampleCount) == summary.labelStats.map(\.sampleCount))
        #expect(stats.labelStats.map(\.pendingSampleCount) == summary.labelStats.map(\.pendingSampleCount))
        #expect(stats.hardSamples == summary.hardSamples)
        #expect(stats.hardDetailStats == summary.hardReasonCounts)
        #expect(stats.version == state.version)
        // The workload exercised what it claims to.
        #expect(summary.sampleStats.autoAnnotation + summary.sampleStats.manualAnnotation > 0)
        #expect(summary.hardSamples > 0)
        let types = try await fixture.store.database(.audit).read { db in
            try String.fetchSet(db, sql: "SELECT DISTINCT type FROM audit_events")
        }
        let expectedTypes: Set<String> = [
            "DatasetCreated", "LabelsAdded", "LabelRenamed", "LabelDeleted", "SamplesAdded", "SamplesDeleted",
            "SampleLabelsReplaced", "SamplesConfirmed", "SamplesRejected", "SamplesMarkedHard", "HardMarksCleared",
            "AutoLabelTaskQueued", "TaskStarted", "TaskRunning", "TaskProgressed", "TaskTrainingFinished",
            "SamplesAutoLabeled", "HardExamplesDetected", "TaskSucceeded", "TaskFailed", "TaskStopRequested",
            "TaskStopped", "ModelRegistered",
        ]
        #expect(expectedTypes.subtracting(types).isEmpty, "workload missed \(expectedTypes.subtracting(types))")
        await fixture.cleanup()
    }

    @Test func batch_size_does_not_change_the_rows() async throws {
        let fixture = try ProjectionFixture(batchSize: 1)
        var workload = Workload(service: fixture.service, seed: 21)
        try await workload.generate(samples: 40, steps: 40)
        try await fixture.projector.catchUp()
        let (fresh, directory) = try await fixture.freshStore(batchSize: 100_000)
        for kind in ProjectionKind.allCases {
            #expect(try ProjectionDump.text(of: kind, in: fixture.store) == ProjectionDump.text(of: kind, in: fresh))
        }
        directory.cleanup()
        await fixture.cleanup()
    }

    /// A rebuild whose buffers hold only a few rows spills them to its shadow again and again
    /// and reads them (and audit heads) back from there: the rows must be those of the live
    /// projection all the same, and `samples_by_id` must exist once rows are written.
    @Test func a_rebuild_that_spills_its_buffers_gives_the_same_rows() async throws {
        let fixture = try ProjectionFixture()
        var workload = Workload(service: fixture.service, seed: 23)
        try await workload.generate(samples: 40, steps: 60)
        try await fixture.projector.catchUp()
        let other = TemporaryDirectory("spilled")
        let store = try ProjectionStore.open(directory: other.url)
        try await Projector(log: fixture.log, store: store, rebuildBatchSize: 7, bulkRowLimit: 5).rebuild()
        for kind in ProjectionKind.allCases {
            #expect(try ProjectionDump.text(of: kind, in: store) == ProjectionDump.text(of: kind, in: fixture.store), "\(kind)")
        }
        let indexes = try await store.generation(.datasets).pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'samples'")
        }
        #expect(indexes.contains("samples_by_id"))
        other.cleanup()
        await fixture.cleanup()
    }
}
