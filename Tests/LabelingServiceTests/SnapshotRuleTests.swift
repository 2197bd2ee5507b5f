import EventLog
import Foundation
import LabelingDomain
import Testing
@testable import LabelingService

/// Snapshots are due by the samples the events since the last one touched, not by their
/// number, so a dataset imported in big batches is loaded from a snapshot.
@Suite struct SnapshotRuleTests {
    @Test func an_event_weighs_the_samples_it_touches_and_at_least_one() {
        let added = DomainEvent.samplesAdded(SamplesAdded(samples: (0..<7).map(sample), by: "ana"))
        #expect(SnapshotRule.weight(of: added) == 7)
        let progress = DomainEvent.taskProgressed(TaskProgressed(
            taskID: "t", processed: 1, total: 2, percent: 50, phase: .labeling, at: now))
        #expect(SnapshotRule.weight(of: progress) == 1)
        #expect(SnapshotRule(every: 0).every == 1)
        #expect(!SnapshotRule(every: 10).isDue(9))
        #expect(SnapshotRule(every: 10).isDue(10))
    }

    /// Ten 1,000-sample batches: eleven events, far below a rule of 2,500 events, but 10,000
    /// samples. Before the rule counted samples, no snapshot was written and a restart folded
    /// the whole stream.
    @Test func a_dataset_imported_in_big_batches_is_loaded_from_a_snapshot() async throws {
        let fixture = try ServiceFixture(snapshotEvery: 2_500)
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 10_000)
        await fixture.service.snapshotSettled("digits")
        let expected = try #require(try await fixture.service.state(of: "digits"))

        let restarted = fixture.sibling(snapshotEvery: 2_500)
        #expect(try await restarted.state(of: "digits") == expected)
        let report = try #require(await restarted.loadReport("digits"))
        #expect(report.snapshotVersion != nil)
        // At most the units of one snapshot interval plus the batches added while the
        // last snapshot was being written.
        #expect(report.replayedEvents < 11)
    }

    /// A log written without snapshots (another tool, or `snapshotEvery` never reached):
    /// the first load replays it and saves a snapshot, so the next load replays nothing.
    @Test func a_load_that_replayed_a_snapshots_worth_saves_one() async throws {
        let fixture = try ServiceFixture(snapshotEvery: .max)
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 3_000)
        _ = try await fixture.service.label([1, 2, 3], "4")
        let expected = try #require(try await fixture.service.state(of: "digits"))
        #expect(fixture.service.snapshots.load("digits", log: fixture.log).rejection == .missing)

        let first = fixture.sibling(snapshotEvery: 2_500)
        #expect(try await first.state(of: "digits") == expected)
        #expect(await first.loadReport("digits")?.replayedEvents == 5)
        await first.snapshotSettled("digits")

        let second = fixture.sibling(snapshotEvery: 2_500)
        #expect(try await second.state(of: "digits") == expected)
        let report = try #require(await second.loadReport("digits"))
        #expect(report.snapshotVersion == expected.version)
        #expect(report.replayedEvents == 0)
    }
}
