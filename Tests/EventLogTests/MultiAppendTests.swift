import Foundation
import Testing
import TestSupport
@testable import EventLog

/// `append(_:)` places its requests in order, each with its own outcome, committed together.
@Suite struct MultiAppendTests {
    @Test func requests_are_placed_in_order_each_with_its_own_outcome_and_a_failing_one_writes_nothing() async throws {
        let dir = TemporaryDirectory()
        let log = try EventLog.openForTest(dir)
        try await log.append(stream: "a", events: [event("a1")], commandID: "first")
        let results = await log.append([
            AppendRequest(stream: "a", expectedVersion: .exact(1), events: [event("a2"), event("a3")], commandID: "c2"),
            // Checked against the version the request before it leaves (3): wrong, writes nothing.
            AppendRequest(stream: "a", expectedVersion: .exact(1), events: [event("stale")], commandID: "c3"),
            AppendRequest(stream: "b", events: [event("b1")]),
            // A repeated command id: the original result, nothing written.
            AppendRequest(stream: "a", events: [event("again")], commandID: "first"),
            AppendRequest(stream: "", events: [event("no stream")]),
            AppendRequest(stream: "a", expectedVersion: .exact(3), events: [event("a4")], commandID: "c6"),
        ])
        #expect(results.count == 6)
        let written = try results[0].get()
        #expect((written.firstPosition, written.lastPosition, written.firstVersion, written.lastVersion) == (2, 3, 2, 3))
        #expect(results[1] == .failure(.wrongExpectedVersion(stream: "a", expected: 1, actual: 3)))
        #expect(try results[2].get().firstPosition == 4)
        let repeated = try results[3].get()
        #expect(repeated.deduplicated && repeated.firstPosition == 1)
        #expect(results[4] == .failure(.invalidStreamID("")))
        let last = try results[5].get()
        #expect((last.firstPosition, last.firstVersion) == (5, 4))
        let bodies = try await log.allEvents().map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(bodies == ["a1", "a2", "a3", "b1", "a4"])
        // The command ids of the written requests are recorded: repeating them writes nothing.
        let again = await log.append([AppendRequest(stream: "a", events: [event("x")], commandID: "c6")])
        #expect(try again[0].get() == AppendResult(streamID: "a", firstPosition: 5, lastPosition: 5, firstVersion: 4, lastVersion: 4, deduplicated: true))
        await log.close()
    }

    @Test func one_multi_append_is_one_commit_group() async throws {
        let dir = TemporaryDirectory()
        let log = try EventLog.openForTest(dir)
        let results = await log.append((0..<50).map { AppendRequest(stream: "s\($0 % 5)", events: [event("e\($0)")]) })
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        await log.close()
        // One after another, 50 appends would be 50 frames.
        #expect(try EventLog.verify(directory: dir.url).frames == 1)
    }
}
