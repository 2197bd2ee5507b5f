import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Testing
@testable import Projections

/// A dataset as of a position or a time equals the state the service had right then.
@Suite struct AsOfTests {
    @Test func state_as_of_a_position_or_a_time_is_the_state_at_that_moment() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 71)
        try await w.create(samples: 40)
        try await w.seedLabels(perLabel: 6)
        var checkpoints: [(position: UInt64, time: Date, state: DatasetState)] = []
        for step in 0..<60 {
            try await w.step()
            if step % 6 == 0 {
                let state = try await w.state()
                checkpoints.append((fixture.log.head, Date(), state))
                try await Task.sleep(for: .milliseconds(2))  // later events get later times
            }
        }
        for (position, time, state) in checkpoints {
            let byPosition = try #require(try DatasetReplay.replay("ds", log: fixture.log, upTo: position))
            #expect(byPosition.state.samples == state.samples, "samples at \(position)")
            #expect(DatasetSummary(byPosition.state) == DatasetSummary(state), "summary at \(position)")
            #expect(byPosition.state.version == state.version)
            let byTime = try #require(
                try DatasetReplay.replay("ds", log: fixture.log, upTo: DatasetReplay.position(asOf: time, log: fixture.log)))
            #expect(DatasetSummary(byTime.state) == DatasetSummary(state), "summary at \(time)")
        }
        #expect(try DatasetReplay.replay("ds", log: fixture.log, upTo: 0) == nil)
        await fixture.cleanup()
    }
}
