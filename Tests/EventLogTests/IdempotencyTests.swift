import Foundation
import Testing
import TestSupport
@testable import EventLog

@Suite struct IdempotencyTests {
    @Test func a_repeated_command_id_returns_the_original_result_and_appends_nothing() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        let first = try await log.append(stream: "s", expectedVersion: .noStream, events: [event("a"), event("b")], commandID: "cmd")
        try await log.append(stream: "s", events: [event("c")])
        // Even with a now-wrong expected version: the command already happened.
        let again = try await log.append(stream: "s", expectedVersion: .noStream, events: [event("a"), event("b")], commandID: "cmd")
        #expect(again.deduplicated)
        #expect(again.firstPosition == first.firstPosition && again.lastPosition == first.lastPosition)
        #expect(again.firstVersion == 1 && again.lastVersion == 2)
        #expect(log.head == 3)
    }

    @Test func idempotency_holds_across_a_restart() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let first: AppendResult
        do {
            let log = try EventLog.openForTest(dir, durability: .fsync)
            first = try await log.append(stream: "s", events: [event("a"), event("b"), event("c")], commandID: "import-42")
            await log.close()
        }
        let log = try EventLog.openForTest(dir, durability: .fsync)
        let again = try await log.append(stream: "s", events: [event("a")], commandID: "import-42")
        #expect(again.deduplicated)
        #expect(again.firstPosition == first.firstPosition)
        #expect(again.lastPosition == first.lastPosition)
        #expect(log.head == 3)
    }

    @Test func a_command_id_cannot_be_reused_for_another_stream() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        try await log.append(stream: "s", events: [event("a")], commandID: "cmd")
        await #expect(throws: LogError.commandIDReused(commandID: "cmd", originalStream: "s", stream: "t")) {
            try await log.append(stream: "t", events: [event("a")], commandID: "cmd")
        }
    }

    @Test func concurrent_duplicates_of_one_command_write_it_once() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir, durability: .fsync)
        let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
            for _ in 0..<20 {
                group.addTask { try await log.append(stream: "s", events: [event("once")], commandID: "same") }
            }
            return try await group.reduce(into: [AppendResult]()) { $0.append($1) }
        }
        #expect(Set(results.map(\.firstPosition)) == [1])
        #expect(results.filter { !$0.deduplicated }.count == 1)
        #expect(log.head == 1)
    }
}
