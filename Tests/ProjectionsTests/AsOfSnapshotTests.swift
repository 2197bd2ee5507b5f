import EventLog
import Foundation
import LabelingDomain
@testable import LabelingService
import TestSupport
import Testing
@testable import Projections

/// The one as-of implementation: from snapshots (many, thinned) it answers exactly what a
/// fold of the whole stream answers, and its tabs and stats are what the live projection
/// showed at that position.
@Suite struct AsOfSnapshotTests {
    /// A seeded workload with a snapshot every 7 units, 16 kept (thinned): as-of reads start
    /// from snapshots before, at and between the positions asked for.
    @Test(arguments: [91 as UInt64, 92])
    func as_of_from_snapshots_equals_a_full_fold_and_the_projection_at_that_position(seed: UInt64) async throws {
        let fixture = try ProjectionFixture(name: "asOfSnapshots\(seed)")
        let snapshots = SnapshotStore(directory: fixture.directory.url.appendingPathComponent("as-of-snapshots"), keep: 4)
        let service = DatasetService(log: fixture.log, snapshotDirectory: snapshots.directory, snapshotEvery: 7)
        var w = Workload(service: service, seed: seed)
        try await w.create(samples: 50)
        try await w.seedLabels(perLabel: 6)
        var states: [UInt64: DatasetState] = [:]
        for _ in 0..<120 {
            try await w.step()
            await service.snapshotSettled("ds")
            states[fixture.log.head] = try await w.state()
        }
        let store = SnapshotStore(directory: snapshots.directory, keep: 4)
        #expect(store.versions(of: "ds").count == 16)  // the service's store keeps 16
        var rng = SeededGenerator(seed: seed)
        let head = fixture.log.head
        let positions = [1, 2, head] + (0..<14).map { _ in UInt64.random(in: 1...head, using: &rng) }
        for position in positions {
            let full = try #require(try DatasetReplay.replay("ds", log: fixture.log, upTo: position))
            let fromSnapshot = try #require(try DatasetReplay.replay("ds", log: fixture.log, upTo: position, snapshots: store))
            #expect(fromSnapshot == full, "as of \(position)")
            if let state = states[position] { #expect(full.state == state, "state as of \(position)") }

            let (fresh, directory) = try await fixture.freshStore(upTo: position)
            defer { directory.cleanup() }
            let live = ProjectionQueries(store: fresh)
            let view = AsOfView(fromSnapshot)
            #expect(try view.stats() == live.stats(of: "ds"), "stats as of \(position)")
            for query in queries(&rng, names: full.state.samples.values.map(\.name)) {
                var query = query
                var pages = 0
                while pages < 40 {
                    let then = try view.tab(query)
                    #expect(then == (try live.tab(query)), "\(query) as of \(position)")
                    guard let next = then.nextCursor else { break }
                    query.cursor = next
                    query.offset = 0
                    pages += 1
                }
            }
            for labeler in [Labeler.person("ana"), .person("zed")] {
                #expect(view.hasLabeler(labeler) == (try live.hasLabeler(labeler, in: "ds")))
            }
        }
        await fixture.cleanup()
    }

    /// Tab queries covering every filter, both orders, offsets and small pages.
    private func queries(_ rng: inout SeededGenerator, names: [String]) -> [SampleQuery] {
        var result: [SampleQuery] = []
        for tab in SampleTab.allCases {
            for order in SampleOrder.allCases {
                result.append(SampleQuery(dataset: "ds", tab: tab, order: order, limit: Int.random(in: 3...9, using: &rng)))
            }
        }
        for label in ["cat", "dog", "bird", "nothing"] {
            result.append(SampleQuery(dataset: "ds", labelName: label, limit: 5))
        }
        result.append(SampleQuery(dataset: "ds", tab: .toBeConfirmed, hard: true, limit: 4))
        result.append(SampleQuery(dataset: "ds", hard: false, order: .asc, offset: 3, limit: 6))
        result.append(SampleQuery(dataset: "ds", labeler: .person("ana"), limit: 5))
        result.append(SampleQuery(dataset: "ds", scoreRange: 0.2...0.9, limit: 5))
        if let name = names.randomElement(using: &rng) {
            result.append(SampleQuery(dataset: "ds", namePrefix: String(name.prefix(name.count - 1)), limit: 3))
        }
        result.append(SampleQuery(dataset: "ds", limit: 0))  // invalid: both refuse it the same way
        return result.filter { (1...100).contains($0.limit) }
    }

    /// A damaged snapshot (a flipped byte: its CRC-32C) and one of the format before (`LLSNAP01`)
    /// are never served: the read goes to an older snapshot or the stream's start, and still
    /// answers the fold.
    @Test func a_damaged_or_old_format_snapshot_is_skipped_and_the_answer_is_the_fold() async throws {
        let fixture = try ProjectionFixture()
        let snapshots = SnapshotStore(directory: fixture.directory.url.appendingPathComponent("as-of-snapshots"))
        let service = DatasetService(log: fixture.log, snapshotDirectory: snapshots.directory, snapshotEvery: 10)
        var w = Workload(service: service, seed: 5)
        try await w.create(samples: 30)
        try await w.seedLabels(perLabel: 6)
        for _ in 0..<40 {
            try await w.step()
            await service.snapshotSettled("ds")
        }
        let versions = snapshots.versions(of: "ds")
        #expect(versions.count >= 2)
        let head = fixture.log.head
        let full = try #require(try DatasetReplay.replay("ds", log: fixture.log, upTo: head))

        // The newest damaged in its middle: the next older one is used.
        let newest = snapshots.url(for: "ds", version: versions[0])
        var bytes = [UInt8](try Data(contentsOf: newest))
        bytes[bytes.count / 2] ^= 0x55
        try Data(bytes).write(to: newest)
        #expect(snapshots.read(newest, dataset: "ds", atOrBefore: head, log: EventReader(fixture.log), facts: true).rejection == .damaged)
        #expect(try DatasetReplay.replay("ds", log: fixture.log, upTo: head, snapshots: snapshots) == full)

        // Every file of the format before this one: none is served.
        for version in versions {
            var old = Array("LLSNAP01".utf8) + [2, 0, 0, 0]
            old += [UInt8](repeating: 7, count: 100)
            try Data(old).write(to: snapshots.url(for: "ds", version: version))
        }
        try Data(Array("LLSNAP01".utf8) + [2, 0, 0, 0]).write(to: snapshots.legacyURL(for: "ds"))
        #expect(snapshots.load("ds", log: fixture.log).rejection == .otherStateFormat(2))
        #expect(snapshots.base(of: "ds", atOrBefore: head, log: EventReader(fixture.log)) == nil)
        #expect(try DatasetReplay.replay("ds", log: fixture.log, upTo: head, snapshots: snapshots) == full)
        let restarted = DatasetService(log: fixture.log, snapshotDirectory: snapshots.directory, snapshotEvery: 10)
        #expect(try await restarted.state(of: "ds") == full.state)
        await fixture.cleanup()
    }
}

extension Result {
    /// The failure, or nil.
    fileprivate var rejection: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}
