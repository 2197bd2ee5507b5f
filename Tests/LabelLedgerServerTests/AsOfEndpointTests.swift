import Foundation
import Synchronization
import Hummingbird
import HummingbirdTesting
import LabelingDomain
import LedgerComposition
import Testing
import TestSupport
@testable import LabelLedgerServer

/// `as_of_position` / `as_of_time` on the sample list, the to-be-confirmed list and the
/// stats: the page and the counts as they were then (issue 22; they were silently ignored
/// before), with the same shape as the current ones.
@Suite struct AsOfEndpointTests {
    @Test func the_sample_list_and_stats_as_of_a_position_show_the_past() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let first = try await client.addSamples(dataset, count: 3, labels: ["cat", nil, nil])
            let before = fixture.runtime.log.head
            _ = try await client.addSamples(dataset, count: 4, labels: ["dog", "dog"], prefix: "later")
            let samples = dataset + "/data-annotations/samples?limit=100"
            let then = try await client.call(.get, samples + "&as_of_position=\(before)", token: fixture.labeler)
            #expect(then.status == .ok, "\(then.text)")
            let thenIDs = Set(((then.json["samples"] as? [[String: Any]]) ?? []).compactMap { $0["sample_id"] as? String })
            #expect(thenIDs == Set(first), "only the samples that existed at \(before)")
            #expect(then.json["position"] as? Int == Int(before))
            let now = try await client.call(.get, samples, token: fixture.labeler)
            #expect(((now.json["samples"] as? [[String: Any]]) ?? []).count == 7)
            // Filters apply as of then too: one labeled sample ("cat") then, three now.
            let labeledThen = try await client.call(.get, samples + "&sample_state=__ALL__&as_of_position=\(before)", token: fixture.labeler)
            #expect(((labeledThen.json["samples"] as? [[String: Any]]) ?? []).count == 1, "\(labeledThen.text)")

            let statsPath = dataset + "/data-annotations/stats"
            let statsThen = try await client.call(.get, statsPath + "?as_of_position=\(before)", token: fixture.labeler)
            #expect(statsThen.status == .ok, "\(statsThen.text)")
            #expect((statsThen.json["sample_stats"] as? [String: Int])?["total"] == 3, "\(statsThen.text)")
            let statsNow = try await client.call(.get, statsPath, token: fixture.labeler)
            #expect((statsNow.json["sample_stats"] as? [String: Int])?["total"] == 7)

            // As of the head, the answers are the current ones, byte for byte.
            let head = fixture.runtime.log.head
            #expect(try await client.call(.get, samples + "&as_of_position=\(head)", token: fixture.labeler).body == now.body)
            let statsAtHead = try await client.call(.get, statsPath + "?as_of_position=\(head)", token: fixture.labeler)
            // (Key order is the encoder's own: compared as JSON values.)
            #expect(statsAtHead.json as NSDictionary == statsNow.json as NSDictionary, "\(statsAtHead.text) vs \(statsNow.text)")
        }
    }

    @Test func as_of_a_position_before_the_dataset_or_beyond_the_head_is_refused() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let early = fixture.runtime.log.head
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 2)
            let samples = dataset + "/data-annotations/samples"
            expectError(
                try await client.call(.get, samples + "?as_of_position=\(early)", token: fixture.labeler), .notFound,
                "LabelLedger.Query.002")
            expectError(
                try await client.call(.get, dataset + "/data-annotations/stats?as_of_position=\(early)", token: fixture.labeler),
                .notFound, "LabelLedger.Query.002")
            let beyond = fixture.runtime.log.head + 10
            expectError(
                try await client.call(.get, samples + "?as_of_position=\(beyond)", token: fixture.labeler), .badRequest,
                "LabelLedger.API.400")
            expectError(
                try await client.call(.get, samples + "?as_of_position=x", token: fixture.labeler), .badRequest, "LabelLedger.API.400")
            expectError(
                try await client.call(.get, samples + "?as_of_time=yesterday", token: fixture.labeler), .badRequest,
                "LabelLedger.API.400")
            // A time after everything: the head.
            let later = try await client.call(.get, samples + "?as_of_time=2999-01-01T00:00:00Z", token: fixture.labeler)
            #expect(later.status == .ok, "\(later.text)")
            #expect(later.json["position"] as? Int == Int(fixture.runtime.log.head))
        }
    }

    /// `/health` reads the projections' checkpoints from their files: a projector batch held
    /// up (its write transaction waiting) does not hold up the answer.
    @Test func health_answers_while_a_projector_batch_is_held() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let checkpoint = fixture.runtime.log.head
            // Hold the datasets projection's writer: the projector's next batch waits for it.
            let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            let pool = fixture.runtime.store.database(.datasets)
            Thread.detachNewThread {
                try? pool.writeWithoutTransaction { _ in
                    held.signal()
                    release.wait()
                }
            }
            held.wait()
            // An event the projections do not have yet, and a projector batch to apply it.
            _ = try await fixture.runtime.service.execute(
                .addLabels([LabelDefinition(name: "bird", color: "#123456")], by: "ada"),
                on: DatasetID("demo/\(datasetID(of: dataset))"), actor: "ada")
            let batchDone = ManagedAtomicFlag()
            let batch = Task {
                defer { batchDone.set() }
                try await fixture.runtime.projector.catchUp()
            }
            let health = try await client.call(.get, "/health", token: nil)
            #expect(health.status == .ok)
            #expect(health.json["projection_checkpoint"] as? Int == Int(checkpoint), "the batch has not been applied")
            #expect(!batchDone.isSet, "health answered while the batch was held")
            release.signal()
            _ = try await batch.value
            let after = try await client.call(.get, "/health", token: nil)
            #expect(after.json["projection_checkpoint"] as? Int == Int(fixture.runtime.log.head))
        }
    }
}

/// A flag set once, read from any thread.
final class ManagedAtomicFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
