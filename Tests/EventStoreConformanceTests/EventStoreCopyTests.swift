import Foundation
import Testing
import TestSupport
@testable import EventLog
@testable import PostgresEventStore

/// `labelledger migrate`'s copy (``EventStoreCopy``): a log moved from a data directory to
/// PostgreSQL and back is the same log event for event — positions, versions, ids, times,
/// command ids, payloads — with its idempotency records; a non-empty target and a damaged
/// source are refused before anything is written.
@Suite struct EventStoreCopyTests {
    /// A seeded workload on `store`: single and multi-event appends over 12 streams, most with
    /// a command id, some as multi-appends (several appends in one commit group), so appends
    /// share a group and, without command ids, sometimes a recorded-at time. Returns the
    /// command ids used with the result each got.
    private func fill(_ store: some EventStore, appends: Int, seed: UInt64) async throws -> [String: AppendResult] {
        var generator = SeededGenerator(seed: seed)
        var commands: [String: AppendResult] = [:]
        var made = 0
        while made < appends {
            let group = Int.random(in: 1...4, using: &generator)
            var requests: [AppendRequest] = []
            for _ in 0..<group {
                let stream = "stream-\(Int.random(in: 0..<12, using: &generator))"
                let count = Int.random(in: 1...9, using: &generator)
                let commandID = Int.random(in: 0..<4, using: &generator) == 0 ? nil : "cmd-\(seed)-\(made)"
                requests.append(AppendRequest(
                    stream: stream, events: proposed(count, tag: "\(made)", using: &generator), commandID: commandID))
                made += 1
            }
            for (request, outcome) in zip(requests, await store.append(requests)) {
                let result = try outcome.get()
                if let id = request.commandID { commands[id] = result }
            }
        }
        return commands
    }

    private func postgresURL() async throws -> String {
        switch await PostgresTestServer.baseURL() {
        case let .success(base): return PostgresTestServer.url(base, schema: PostgresTestServer.freshSchema())
        case let .failure(unavailable): try Test.cancel(Comment(rawValue: unavailable.description))
        }
    }

    @Test func a_log_moved_to_postgres_and_back_is_the_same_log_event_for_event() async throws {
        let first = TemporaryDirectory("copy-source"), back = TemporaryDirectory("copy-back")
        defer { first.cleanup(); back.cleanup() }
        let url = try await postgresURL()
        let source = try EventLog.open(directory: first.url, configuration: .init(durability: .none))
        let commands = try await fill(source, appends: 300, seed: 26)
        let original = try await source.all()
        let head = try await source.head

        let postgres = try await PostgresEventStore.open(url: url)
        // Small batches, so appends of several events meet batch ends.
        let there = try await EventStoreCopy.copy(from: source, to: postgres, batchEvents: 7, batchBytes: 1 << 20)
        let home = try EventLog.open(directory: back.url, configuration: .init(durability: .none))
        let again = try await EventStoreCopy.copy(from: postgres, to: home, batchEvents: 50)

        #expect(there.events == head && again.events == head)
        #expect(there.digest == again.digest)
        #expect(try await EventStoreCopy.digest(of: source, through: head) == there.digest)
        // Field for field, times included.
        #expect(try await postgres.all() == original)
        #expect(try await home.all() == original)
        for store in [postgres, home] as [any EventStore] {
            #expect(try await store.head == head)
            #expect(try await store.verify().isClean)
            for stream in (0..<12).map({ "stream-\($0)" }) {
                #expect(try await store.version(of: stream) == source.version(of: stream))
                #expect(try await store.read(stream: stream, fromVersion: 1) == source.read(stream: stream, fromVersion: 1))
            }
            for event in original where event.position % 37 == 0 {
                #expect(try await store.position(at: event.recordedAt) == source.position(at: event.recordedAt))
            }
            // Idempotency records came along: a retried command appends nothing and answers as the first time.
            for (id, result) in commands.sorted(by: { $0.key < $1.key }).prefix(40) {
                var expected = result
                expected.deduplicated = true
                let retried = try await store.append(
                    stream: result.streamID, expectedVersion: .any,
                    events: [ProposedEvent(type: "Retry", payload: Data(), actor: "t")], commandID: id)
                #expect(retried == expected)
            }
            #expect(try await store.head == head)
        }
        await home.close()
        await postgres.close()
        await source.close()
        await StorePlace.postgres(url: url).remove()
    }

    @Test(arguments: StoreEngine.allCases)
    func a_target_that_holds_events_is_refused_and_left_as_it_was(_ engine: StoreEngine) async throws {
        let sourceDirectory = TemporaryDirectory("copy-source")
        defer { sourceDirectory.cleanup() }
        let source = try EventLog.open(directory: sourceDirectory.url, configuration: .init(durability: .none))
        _ = try await fill(source, appends: 20, seed: 1)
        let place = try await engine.makePlace()
        let target = try await place.open()
        var generator = SeededGenerator(seed: 2)
        try await target.append("kept", .noStream, proposed(2, tag: "k", using: &generator))
        let before = try await target.all()
        await #expect(throws: StoreMigrationError.targetNotEmpty(target: "target", head: 2)) {
            try await EventStoreCopy.copy(from: source, to: target)
        }
        #expect(StoreMigrationError.targetNotEmpty(target: "t", head: 2).code == "LabelLedger.Store.100")
        #expect(try await target.all() == before)
        await target.close()
        await source.close()
        await place.remove()
    }

    @Test(arguments: StoreEngine.allCases)
    func a_damaged_source_is_refused_before_anything_is_copied(_ engine: StoreEngine) async throws {
        let place = try await engine.makePlace()
        let source = try await place.open()
        var generator = SeededGenerator(seed: 3)
        // One event per append, so the flipped byte is in one event's frame alone.
        for index in 0..<10 { try await source.append("s\(index % 3)", .any, proposed(1, tag: "\(index)", using: &generator)) }
        try await place.flipOneByte(ofEventAt: 6, in: source)
        let targetDirectory = TemporaryDirectory("copy-target")
        defer { targetDirectory.cleanup() }
        let target = try EventLog.open(directory: targetDirectory.url, configuration: .init(durability: .none))
        do {
            _ = try await EventStoreCopy.copy(from: source, to: target)
            Issue.record("a damaged source was copied")
        } catch let error as StoreMigrationError {
            guard case .sourceDamaged = error else { throw error }
            #expect(error.code == "LabelLedger.Store.102")
            #expect(error.message.contains("position 6"))
        }
        #expect(target.head == 0)
        await target.close()
        await source.close()
        await place.remove()
    }
}
