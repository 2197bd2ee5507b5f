import Foundation
import LabelingDomain
import LedgerComposition
import Testing

/// Read-your-writes settles with one catch-up per group commit (issue 23 item 4): the
/// commands of one group are answered together and each then settles its own position; the
/// first settle applies everything durable, so the others find their position applied
/// instead of each running its own catch-up (a transaction per projection per command).
@Suite struct SettleCatchUpTests {
    @Test func settling_an_earlier_position_applies_the_log_up_to_its_head() async throws {
        let fixture = try await ServerFixture.make()
        let runtime = fixture.runtime
        do {
            let labels = [LabelDefinition(name: "cat", color: "#336699")]
            var positions: [UInt64] = []
            for name in ["first", "second", "third"] {
                let dataset = DatasetID("demo/settle-\(name)")
                let outcome = try await runtime.service.execute(
                    .createDataset(id: dataset, name: name, typeCode: 0, labels: labels, description: "", by: "ada", at: Instant(Date())),
                    on: dataset, actor: "ada")
                positions.append(try #require(outcome.lastPosition))
            }
            let head = runtime.log.head
            #expect(positions[0] < head && positions[2] == head)
            // No projector runs in the background here: only settle applies events.
            try await runtime.settle(positions[0])
            #expect(try await runtime.projector.checkpoint() == head, "settle applied only up to the position it was given")
            #expect(try await runtime.queries.datasets(inProject: "demo").map(\.dataset.rawValue)
                == ["demo/settle-first", "demo/settle-second", "demo/settle-third"])
        } catch {
            await fixture.cleanup()
            throw error
        }
        await fixture.cleanup()
    }
}
