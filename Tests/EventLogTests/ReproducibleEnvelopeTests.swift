import Foundation
import Testing
import TestSupport
@testable import EventLog

/// `EnvelopeSource.reproducible`: what golden-log generators rely on.
@Suite struct ReproducibleEnvelopeTests {
    private let envelope = EnvelopeSource.reproducible(startMicros: 1_763_942_400_000_000, stepMicros: 1_000_000)

    private func write(_ directory: TemporaryDirectory) async throws {
        let log = try EventLog.open(directory: directory.url, configuration: .init(durability: .none, envelope: envelope))
        try await log.append(stream: "a", events: [event("one"), event("two")], commandID: "c1")
        try await log.append(stream: "b", events: [event("three")])
        try await log.append(stream: "a", events: [event("four")])
        await log.close()
    }

    private func segments(_ directory: TemporaryDirectory) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".seg") {
            files[name] = try Data(contentsOf: directory.file(name))
        }
        return files
    }

    @Test func the_same_appends_give_the_same_segment_bytes() async throws {
        let first = TemporaryDirectory(), second = TemporaryDirectory()
        defer { first.cleanup(); second.cleanup() }
        try await write(first)
        try await write(second)
        let a = try segments(first), b = try segments(second)
        #expect(!a.isEmpty)
        #expect(a == b)
    }

    @Test func times_step_per_append_and_ids_name_positions_also_after_reopening() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        try await write(dir)
        let log = try EventLog.open(directory: dir.url, configuration: .init(durability: .none, envelope: envelope))
        try await log.append(stream: "b", events: [event("five")])
        let events = try await log.allEvents()
        await log.close()
        let start: Int64 = 1_763_942_400_000_000
        let second: Int64 = 1_000_000
        let expected: [Int64] = [start, start, start + second, start + 2 * second, start + 3 * second]
        #expect(events.map(\.recordedAt.micros) == expected)
        #expect(events.map(\.eventID) == (1...5).map { UUID.positional($0) })
        #expect(Set(events.map(\.eventID)).count == 5)
    }

    @Test func positional_ids_are_version_8_and_spell_the_position() {
        let id = UUID.positional(0x0123_4567_89AB)
        #expect(id.uuidString == "4C4C4556-0000-8000-8000-0123456789AB")
        #expect(UUID.positional(1) != UUID.positional(2))
    }

    @Test func the_system_source_keeps_the_proposers_ids() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.openForTest(dir)
        let id = UUID()
        try await log.append(stream: "a", events: [ProposedEvent(type: "T", payload: Data(), actor: "x", eventID: id)])
        #expect(try await log.allEvents().map(\.eventID) == [id])
        await log.close()
    }
}
