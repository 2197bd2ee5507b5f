import EventLog
import Foundation
import LabelingDomain
import Testing
@testable import LabelingService

/// The service keeps at most `maxSessions` datasets in memory, least recently used out,
/// and an evicted dataset loses nothing (issue 22: bounded memory with many datasets).
@Suite struct SessionEvictionTests {
    @Test func touching_more_datasets_than_the_bound_keeps_at_most_the_bound() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        let bound = 8
        let service = DatasetService(
            log: fixture.log, snapshotDirectory: fixture.root.appendingPathComponent("snapshots"), maxSessions: bound)
        // Three times the bound, each touched by commands and reads.
        for i in 0..<(3 * bound) {
            let id = DatasetID("p/\(i)")
            try await service.createDigits(id, samples: 3)
            _ = try await service.label([i % 3], "\(i % 10)", dataset: id)
            _ = try await service.info(of: id)
            #expect(service.sessionCount <= bound, "after dataset \(i)")
        }
        #expect(service.sessionCount == bound)
        // The first datasets were evicted long ago: they load again with every event.
        for i in 0..<bound {
            let id = DatasetID("p/\(i)")
            let state = try #require(try await service.state(of: id))
            #expect(state.samples[SampleID("s\(i % 3)")]?.state == .labeled)
            #expect(state.version == fixture.log.version(of: StreamNames.dataset(id)))
            // And take commands against their current version.
            let outcome = try await service.execute(
                .updateSampleLabels([SampleLabelUpdate(sampleID: "s0", labels: [ManualLabel(name: "9")])], by: "ana"),
                on: id, actor: "ana", expectedVersion: state.version)
            #expect(outcome.version == state.version + 1)
            #expect(service.sessionCount <= bound)
        }
    }

    /// The figure: 10,000 datasets through one service with its default bound. The
    /// loaded sessions never exceed the bound, and an evicted session is freed (its state
    /// with it), not merely dropped from the cache while something still holds it.
    @Test func ten_thousand_datasets_keep_the_default_bound_and_free_the_evicted_sessions() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        let service = fixture.service
        let bound = service.maxSessions
        #expect(bound == 1_000)
        let count = 10_000
        let watched = 100
        var early: [WeakSession] = []
        var peak = 0
        for i in 0..<count {
            let id = DatasetID("p/\(i)")
            try await service.execute(
                .createDataset(id: id, name: "d\(i)", typeCode: 0, labels: [LabelDefinition(name: "cat", color: "#112233")],
                               description: "", by: "ana", at: now),
                on: id, actor: "ana")
            if i < watched { early.append(WeakSession(service.session(id))) }
            peak = max(peak, service.sessionCount)
        }
        #expect(peak == bound, "the loaded sessions stay at the bound")
        #expect(service.sessionCount == bound)
        let alive = early.filter { $0.session != nil }.count
        #expect(alive == 0, "\(alive) of the \(watched) first datasets' sessions are still in memory after eviction")
        // An evicted dataset loads again whole.
        let first = try #require(try await service.state(of: "p/0"))
        #expect(first.name == "d0" && first.version == 1)
        #expect(service.sessionCount == bound)
    }

    @Test func the_least_recently_used_dataset_is_the_one_evicted() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        let service = DatasetService(
            log: fixture.log, snapshotDirectory: fixture.root.appendingPathComponent("snapshots"), maxSessions: 2)
        try await service.createDigits("a", samples: 1)
        try await service.createDigits("b", samples: 1)
        let a = service.session("a")
        _ = service.session("b")
        _ = service.session("a")  // "b" is now the least recently used
        try await service.createDigits("c", samples: 1)
        #expect(service.sessionCount == 2)
        #expect(service.session("a") === a, "a was used more recently than b: kept")
    }
}

/// A session held without keeping it alive.
final class WeakSession: @unchecked Sendable {
    weak var session: DatasetSession?
    init(_ session: DatasetSession) { self.session = session }
}
