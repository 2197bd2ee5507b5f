import Foundation
import LabelingDomain
import Testing
@testable import Projections

/// Following the log live: every new commit reaches the projections without a manual
/// catch-up, and `run()` ends when cancelled.
@Suite struct LiveProjectionTests {
    @Test func new_commits_reach_the_projections_while_running() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 91)
        try await w.create(samples: 5)
        let projector = fixture.projector
        let live = Task { try await projector.run() }
        for round in 1...5 {
            try await w.addSamples(3)
            let head = fixture.log.head
            // Wait (without a deadline assertion) until the live projector has applied it.
            while try await projector.checkpoint() < head { try await Task.sleep(for: .milliseconds(1)) }
            #expect(try fixture.queries.stats(of: "ds").sampleStats.total == 5 + 3 * round)
        }
        live.cancel()
        try await live.value
        await fixture.cleanup()
    }
}
