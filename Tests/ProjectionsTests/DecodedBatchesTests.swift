import EventLog
import Foundation
import LabelingDomain
import Testing
@testable import Projections

/// The rebuild's feed: frames walked in order and decoded on every core, handed on in
/// batches of at least the batch size (whole frames), each event once, up to the target.
@Suite struct DecodedBatchesTests {
    @Test func every_event_up_to_a_target_inside_a_frame_arrives_once_in_order_decoded() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 83)
        try await w.generate(samples: 30, steps: 40)
        // Frames of ten events of a stream the projections do not decode, between real ones.
        for round in 0..<3 {
            let events = (0..<10).map { i in
                ProposedEvent(type: "Note", payload: Data("note \(round) \(i)".utf8), actor: "test")
            }
            try await fixture.log.append(stream: "notes/\(round)", events: events)
            for _ in 0..<5 { try await w.step() }
        }
        try await fixture.log.append(
            stream: "notes/last", events: (0..<10).map { ProposedEvent(type: "Note", payload: Data([UInt8($0)]), actor: "test") })
        let head = fixture.log.head
        let target = head - 4  // inside the last frame

        for batchSize in [1, 3, 7, 1_000] {
            let batches = DecodedBatches(log: fixture.log, upTo: target, batchSize: batchSize)
            var received: [Projector.Decoded] = []
            var sizes: [Int] = []
            while let batch = try batches.next() {
                sizes.append(batch.count)
                received += batch
            }
            batches.stop()
            #expect(received.map(\.event.position) == Array(1...target), "batch size \(batchSize)")
            #expect(sizes.dropLast().allSatisfy { $0 >= batchSize }, "batch size \(batchSize): \(sizes)")
            // The same events and decodings as reading the log one event at a time.
            let expected = try Projector.decode(fixture.log.read(from: 1).filter { $0.position <= target })
            #expect(received.map(\.event) == expected.map(\.event))
            #expect(received.map(\.domain) == expected.map(\.domain))
            #expect(received.contains { $0.domain == nil } && received.contains { $0.domain != nil })
        }
        await fixture.cleanup()
    }
}
