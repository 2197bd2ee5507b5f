import Foundation
import Testing
import TestSupport
@testable import EventLog

@Suite struct AppendAndReadTests {
    @Test func appended_events_read_back_with_their_whole_envelope() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        let id = UUID()
        let before = Date()
        let result = try await log.append(
            stream: "dataset-1", expectedVersion: .noStream,
            events: [
                ProposedEvent(type: "DatasetCreated", schemaVersion: 2, payload: Data([1, 2, 3]), actor: "alice",
                              correlationID: "corr-1", eventID: id),
                event("x", type: "LabelsAdded", actor: "alice"),
            ],
            commandID: "cmd-1")
        #expect(result == AppendResult(streamID: "dataset-1", firstPosition: 1, lastPosition: 2, firstVersion: 1, lastVersion: 2))
        let events = try await log.allEvents()
        #expect(events.count == 2)
        let first = events[0]
        #expect(first.position == 1)
        #expect(first.streamID == "dataset-1")
        #expect(first.streamVersion == 1)
        #expect(first.eventID == id)
        #expect(first.type == "DatasetCreated")
        #expect(first.schemaVersion == 2)
        #expect(first.actor == "alice")
        #expect(first.commandID == "cmd-1")
        #expect(first.correlationID == "corr-1")
        #expect(first.payload == Data([1, 2, 3]))
        #expect(abs(first.recordedAt.timeIntervalSince(before)) < 60)
        #expect(events[1].streamVersion == 2)
        #expect(log.head == 2)
    }

    @Test func a_wrong_expected_version_is_refused_with_the_actual_version() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        try await log.append(stream: "s", expectedVersion: .noStream, events: [event("a"), event("b")])
        await #expect(throws: LogError.wrongExpectedVersion(stream: "s", expected: 1, actual: 2)) {
            try await log.append(stream: "s", expectedVersion: .exact(1), events: [event("c")])
        }
        await #expect(throws: LogError.wrongExpectedVersion(stream: "s", expected: 0, actual: 2)) {
            try await log.append(stream: "s", expectedVersion: .noStream, events: [event("c")])
        }
        let ok = try await log.append(stream: "s", expectedVersion: .exact(2), events: [event("c")])
        #expect(ok.lastVersion == 3)
        #expect(log.head == 3)
    }

    @Test func bad_appends_are_refused_with_a_named_rule() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        await #expect(throws: LogError.emptyAppend(stream: "s")) { try await log.append(stream: "s", events: []) }
        await #expect(throws: LogError.invalidStreamID("")) { try await log.append(stream: "", events: [event("a")]) }
        let huge = ProposedEvent(type: "Big", payload: Data(count: 17 << 20), actor: "t")
        await #expect(throws: LogError.self) { try await log.append(stream: "s", events: [huge]) }
        #expect(log.head == 0)
        #expect(LogError.emptyAppend(stream: "s").code == "LabelLedger.Log.002")
    }

    @Test func streams_read_back_from_any_version() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        for i in 0..<30 {
            try await log.append(stream: i % 3 == 0 ? "a" : "b", events: [event("e\(i)")])
        }
        let a = try log.read(stream: "a")
        #expect(a.map(\.streamVersion) == Array(1...10))
        #expect(a.map { String(decoding: $0.payload, as: UTF8.self) } == stride(from: 0, to: 30, by: 3).map { "e\($0)" })
        var fromSeven: [UInt64] = []
        for try await event in log.events(stream: "b", fromVersion: 7) { fromSeven.append(event.streamVersion) }
        #expect(fromSeven == Array(7...20))
        #expect(try log.read(stream: "missing").isEmpty)
        #expect(log.version(of: "b") == 20)
    }

    @Test func reading_from_a_position_skips_exactly_what_came_before() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        try await log.append(stream: "s", events: (0..<50).map { event("e\($0)") })
        for start: UInt64 in [1, 2, 25, 50, 51, 99] {
            var positions: [UInt64] = []
            for try await event in log.events(from: start) { positions.append(event.position) }
            #expect(positions == (start <= 50 ? Array(start...50) : []))
        }
    }

    @Test func segments_roll_at_the_limit_and_reads_cross_them() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir, segmentSizeLimit: 2048)
        for i in 0..<200 {
            try await log.append(stream: "s\(i % 4)", events: [event(String(repeating: "x", count: 40 + i % 50))])
        }
        let segments = try SegmentFile.list(directory: dir.path)
        #expect(segments.count > 3)
        #expect(segments.first == 1)
        let events = try await log.allEvents()
        #expect(events.map(\.position) == Array(1...200))
        #expect(try log.verify().isClean)
        #expect(try log.verify().segments == segments.count)
        #expect(try log.read(stream: "s2").count == 50)
    }

    @Test func everything_survives_a_reopen() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        do {
            let log = try EventLog.openForTest(dir, segmentSizeLimit: 4096)
            for i in 0..<100 { try await log.append(stream: "s\(i % 5)", events: [event("e\(i)")], commandID: "c\(i)") }
            await log.close()
        }
        let log = try EventLog.openForTest(dir, segmentSizeLimit: 4096)
        #expect(log.head == 100)
        #expect(log.recovery.indexRebuilt == false)
        #expect(log.recovery.truncatedBytes == 0)
        #expect(log.version(of: "s3") == 20)
        let next = try await log.append(stream: "s3", expectedVersion: .exact(20), events: [event("more")])
        #expect(next.firstPosition == 101)
        #expect(try await log.allEvents().count == 101)
    }

    @Test func a_second_writer_is_refused_while_the_first_holds_the_directory() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        #expect(throws: LogError.locked(path: dir.path + "/LOCK")) { try EventLog.openForTest(dir) }
        _ = log
    }

    @Test func position_at_a_time_finds_the_last_event_recorded_by_then() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        #expect(try log.position(at: Date()) == 0)
        try await log.append(stream: "s", events: [event("a"), event("b")])
        try await Task.sleep(for: .milliseconds(20))
        let middle = Date()
        try await Task.sleep(for: .milliseconds(20))
        try await log.append(stream: "s", events: [event("c")])
        #expect(try log.position(at: middle) == 2)
        #expect(try log.position(at: Date()) == 3)
        #expect(try log.position(at: Date(timeIntervalSince1970: 0)) == 0)
        // Dates beyond 64 bits of microseconds lie after or before every event (before: the
        // conversion trapped, taking the server down on `as_of_time=20002000…-11-24T08:00:00Z`,
        // found by Fuzz/FuzzHTTPQuery).
        #expect(try log.position(at: Date(timeIntervalSince1970: 1e300)) == 3)
        #expect(try log.position(at: .distantFuture) == 3)
        #expect(try log.position(at: Date(timeIntervalSince1970: -1e300)) == 0)
        let events = try await log.allEvents()
        #expect(events[0].recordedAt <= events[2].recordedAt)
    }

    @Test func the_index_is_rebuilt_when_missing_and_caught_up_when_behind() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        do {
            let log = try EventLog.openForTest(dir, segmentSizeLimit: 1024)
            for i in 0..<60 { try await log.append(stream: "s\(i % 2)", events: [event("e\(i)")], commandID: "c\(i)") }
            await log.close()
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dir.path + "/index.sqlite" + suffix) }
        let log = try EventLog.openForTest(dir, segmentSizeLimit: 1024)
        #expect(log.recovery.indexRebuilt)
        #expect(log.recovery.indexCaughtUpEvents == 60)
        #expect(log.version(of: "s1") == 30)
        #expect(try log.read(stream: "s0").count == 30)
        let again = try await log.append(stream: "s0", events: [event("e0")], commandID: "c0")
        #expect(again.deduplicated)
        #expect(again.firstPosition == 1)
    }
}
