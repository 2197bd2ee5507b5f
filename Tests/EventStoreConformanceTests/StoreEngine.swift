import Foundation
import PostgresNIO
import Testing
import TestSupport
@testable import EventLog
@testable import PostgresEventStore

/// The engines the conformance suite runs on: every test takes one as its argument and runs
/// unchanged on each.
enum StoreEngine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case segmentLog
    case postgres

    var testDescription: String { rawValue }

    /// A new, empty store of this engine: its place (a directory or a schema) and the way to
    /// open it again. A PostgreSQL case without a server cancels itself naming why (reported as
    /// skipped): it never passes without running.
    func makePlace() async throws -> StorePlace {
        switch self {
        case .segmentLog:
            return .directory(TemporaryDirectory("conformance"))
        case .postgres:
            switch await PostgresTestServer.baseURL() {
            case let .success(base):
                return .postgres(url: PostgresTestServer.url(base, schema: PostgresTestServer.freshSchema()))
            case let .failure(unavailable):
                try Test.cancel(Comment(rawValue: unavailable.description))
            }
        }
    }
}

/// Where one test's store lives.
enum StorePlace: Sendable {
    case directory(TemporaryDirectory)
    case postgres(url: String)

    /// Opens (or reopens) the store.
    func open() async throws -> any EventStore {
        switch self {
        case let .directory(directory):
            return try EventLog.open(directory: directory.url, configuration: .init(durability: .none))
        case let .postgres(url):
            return try await PostgresEventStore.open(url: url)
        }
    }

    /// Removes the store (the directory, or the schema with its tables).
    func remove() async {
        switch self {
        case let .directory(directory):
            directory.cleanup()
        case let .postgres(url):
            guard let store = try? await PostgresEventStore.open(url: url) else { return }
            _ = try? await store.client.query(
                PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(store.schema.name)\" CASCADE"), logger: store.logger)
            await store.close()
        }
    }

    /// Changes one byte of the stored record of the event at `position` behind the store's back
    /// (in the segment file, or in the table) without fixing any checksum or hash.
    func flipOneByte(ofEventAt position: UInt64, in store: any EventStore) async throws {
        switch self {
        case let .directory(directory):
            // One event per append: the frame holding `position` is that event's alone; flip a
            // byte of its compressed payload (past the 80-byte frame header).
            let log = try #require(store as? EventLog)
            let location = try #require(try log.index.frame(containing: position))
            let file = directory.url.appendingPathComponent(SegmentFile.fileName(firstPosition: location.segment))
            let handle = try FileHandle(forUpdating: file)
            defer { try? handle.close() }
            let offset = location.offset + UInt64(FrameHeader.size) + 2
            try handle.seek(toOffset: offset)
            var byte = try #require(try handle.read(upToCount: 1))
            byte[byte.startIndex] ^= 0x20
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: byte)
        case .postgres:
            let pg = try #require(store as? PostgresEventStore)
            try await pg.client.query(
                """
                UPDATE \(unescaped: pg.schema.table("events"))
                SET record = set_byte(record, 3, get_byte(record, 3) # 32) WHERE position = \(Int64(position))
                """, logger: pg.logger)
        }
    }
}

extension EventStore {
    /// `append` with the defaults callers of the concrete engines get.
    @discardableResult
    func append(
        _ stream: String, _ expected: ExpectedVersion = .any, _ events: [ProposedEvent], commandID: String? = nil
    ) async throws -> AppendResult {
        try await append(stream: stream, expectedVersion: expected, events: events, commandID: commandID)
    }

    /// Every event from position 1 to the head.
    func all() async throws -> [RecordedEvent] { try await read(from: 1, limit: .max) }
}

/// `count` events with distinct, seeded payloads.
func proposed(_ count: Int, tag: String, using generator: inout SeededGenerator) -> [ProposedEvent] {
    (0..<count).map { index in
        let size = Int.random(in: 0...300, using: &generator)
        let payload = Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return ProposedEvent(
            type: "Test\(index % 3)", schemaVersion: UInt32(1 + index % 2), payload: payload, actor: "tester-\(tag)",
            correlationID: index % 2 == 0 ? "" : "corr-\(tag)")
    }
}
