import Foundation
import GRDB

/// Where one frame lives, as recorded by the stream index.
struct FrameLocation: Sendable, Equatable {
    var firstPosition: UInt64
    var eventCount: UInt64
    var segment: UInt64
    var offset: UInt64
    var length: UInt64
    var minRecordedAt: Int64
    var maxRecordedAt: Int64
    var lastPosition: UInt64 { firstPosition + eventCount - 1 }
}

/// The minimum the index keeps of each event.
struct IndexedEvent: Sendable {
    var position: UInt64
    var streamID: String
    var streamVersion: UInt64
    var commandID: String
}

/// A derived, rebuildable SQLite index of the log: stream → version → position,
/// command id → append result, position → frame location, and time → position.
///
/// Invariant: it describes exactly the log's frames up to `meta.headPosition`, whose
/// frame hash is `meta.headHash`; the log checks both on open and rebuilds or catches
/// the index up from the segments when they disagree. It is written only after the
/// frames it describes are durable, and never needs its own fsync.
final class StreamIndex: Sendable {
    static let schemaVersion = 1
    /// A pool when writable; a read-only queue (or an empty in-memory one) otherwise.
    let pool: any DatabaseWriter

    struct Meta: Equatable {
        var headPosition: UInt64
        var headHash: [UInt8]
    }

    init(path: String) throws(LogError) {
        SQLiteProcessSetup.ensure()
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = OFF")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            self.pool = pool
            try pool.write { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if version != Self.schemaVersion {
                    try Self.dropAll(db)
                    try Self.createSchema(db)
                    try db.execute(sql: "PRAGMA user_version = \(Self.schemaVersion)")
                }
            }
        } catch {
            throw .index(reason: "cannot open \(path): \(error)")
        }
    }

    /// The stream index at `path` opened for reading only, writing nothing (see
    /// ``ReadOnlySQLite``); an empty in-memory index when the file is missing or of
    /// another schema (readers then walk segments from their start).
    init(readOnlyPath path: String) throws(LogError) {
        do {
            if FileManager.default.fileExists(atPath: path) {
                let queue = try DatabaseQueue(path: ReadOnlySQLite.uri(path: path), configuration: ReadOnlySQLite.configuration())
                if try queue.read({ try Int.fetchOne($0, sql: "PRAGMA user_version") }) == Self.schemaVersion {
                    pool = queue
                    return
                }
            }
            let empty = try DatabaseQueue()
            try empty.write { try Self.createSchema($0) }
            pool = empty
        } catch {
            throw .index(reason: "cannot open \(path) read-only: \(error)")
        }
    }

    /// The head (the chain's anchor) recorded in the index at `path`, read without writing
    /// a byte; nil when there is no index or it has another schema.
    static func readAnchor(path: String) throws(LogError) -> Meta? {
        try StreamIndex(readOnlyPath: path).meta()
    }

    private static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE meta(key TEXT PRIMARY KEY, int_value INTEGER, blob_value BLOB);
            CREATE TABLE streams(stream_id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE stream_events(
                stream_id TEXT NOT NULL, version INTEGER NOT NULL, position INTEGER NOT NULL,
                PRIMARY KEY(stream_id, version)) WITHOUT ROWID;
            CREATE TABLE commands(
                command_id TEXT PRIMARY KEY, stream_id TEXT NOT NULL,
                first_position INTEGER NOT NULL, last_position INTEGER NOT NULL,
                first_version INTEGER NOT NULL, last_version INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE frames(
                first_position INTEGER PRIMARY KEY, event_count INTEGER NOT NULL,
                segment INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
                min_recorded_at INTEGER NOT NULL, max_recorded_at INTEGER NOT NULL);
            CREATE INDEX frames_by_time ON frames(min_recorded_at);
            """)
    }

    private static func dropAll(_ db: Database) throws {
        for table in ["meta", "streams", "stream_events", "commands", "frames"] {
            try db.execute(sql: "DROP TABLE IF EXISTS \(table)")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(LogError) -> T {
        do { return try pool.read(body) } catch { throw .index(reason: "\(error)") }
    }

    // MARK: - Queries

    func meta() throws(LogError) -> Meta? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT int_value, blob_value FROM meta WHERE key = 'head'")
            else { return nil }
            let blob: Data = row[1]
            return Meta(headPosition: UInt64(row[0] as Int64), headHash: Array(blob))
        }
    }

    func streamVersions() throws(LogError) -> [String: UInt64] {
        try read { db in
            var result: [String: UInt64] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT stream_id, version FROM streams")
            while let row = try rows.next() { result[row[0]] = UInt64(row[1] as Int64) }
            return result
        }
    }

    func command(_ commandID: String) throws(LogError) -> AppendResult? {
        try read { db in
            try Row.fetchOne(
                db, sql: """
                    SELECT stream_id, first_position, last_position, first_version, last_version
                    FROM commands WHERE command_id = ?
                    """, arguments: [commandID]
            ).map {
                AppendResult(
                    streamID: $0[0], firstPosition: UInt64($0[1] as Int64), lastPosition: UInt64($0[2] as Int64),
                    firstVersion: UInt64($0[3] as Int64), lastVersion: UInt64($0[4] as Int64), deduplicated: true)
            }
        }
    }

    func frame(containing position: UInt64) throws(LogError) -> FrameLocation? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM frames WHERE first_position <= ? ORDER BY first_position DESC LIMIT 1",
                arguments: [Int64(position)]
            ).flatMap { row in
                let location = Self.location(row)
                return location.lastPosition >= position ? location : nil
            }
        }
    }

    /// The last frame recorded in a segment.
    func lastFrame(inSegment segment: UInt64) throws(LogError) -> FrameLocation? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM frames WHERE segment = ? ORDER BY first_position DESC LIMIT 1",
                arguments: [Int64(segment)]
            ).map(Self.location)
        }
    }

    /// The frame holding the last event recorded at or before `micros`, if any.
    func lastFrame(startingAtOrBefore micros: Int64) throws(LogError) -> FrameLocation? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM frames WHERE min_recorded_at <= ? ORDER BY min_recorded_at DESC, first_position DESC LIMIT 1",
                arguments: [micros]
            ).map(Self.location)
        }
    }

    /// Positions of a stream's events with version ≥ `fromVersion`, ascending, at most `limit`.
    func positions(stream: String, fromVersion: UInt64, limit: Int) throws(LogError) -> [(version: UInt64, position: UInt64)] {
        try read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT version, position FROM stream_events
                    WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?
                    """, arguments: [stream, Int64(fromVersion), limit]
            ).map { (UInt64($0[0] as Int64), UInt64($0[1] as Int64)) }
        }
    }

    private static func location(_ row: Row) -> FrameLocation {
        FrameLocation(
            firstPosition: UInt64(row["first_position"] as Int64), eventCount: UInt64(row["event_count"] as Int64),
            segment: UInt64(row["segment"] as Int64), offset: UInt64(row["offset"] as Int64),
            length: UInt64(row["length"] as Int64), minRecordedAt: row["min_recorded_at"],
            maxRecordedAt: row["max_recorded_at"])
    }

    // MARK: - Writes

    /// Records durable frames and their events, and moves the head, in one transaction.
    func record(frames: [FrameLocation], events: [IndexedEvent], head: Meta) throws(LogError) {
        do {
            try pool.write { db in
                let frameStatement = try db.cachedStatement(sql: "INSERT INTO frames VALUES (?, ?, ?, ?, ?, ?, ?)")
                for frame in frames {
                    try frameStatement.execute(arguments: [
                        Int64(frame.firstPosition), Int64(frame.eventCount), Int64(frame.segment),
                        Int64(frame.offset), Int64(frame.length), frame.minRecordedAt, frame.maxRecordedAt,
                    ])
                }
                let eventStatement = try db.cachedStatement(sql: "INSERT INTO stream_events VALUES (?, ?, ?)")
                let commandStatement = try db.cachedStatement(sql: """
                    INSERT INTO commands VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(command_id) DO UPDATE SET
                        last_position = excluded.last_position, last_version = excluded.last_version
                    """)
                var streamVersions: [String: UInt64] = [:]
                for event in events {
                    try eventStatement.execute(arguments: [
                        event.streamID, Int64(event.streamVersion), Int64(event.position),
                    ])
                    if !event.commandID.isEmpty {
                        try commandStatement.execute(arguments: [
                            event.commandID, event.streamID, Int64(event.position), Int64(event.position),
                            Int64(event.streamVersion), Int64(event.streamVersion),
                        ])
                    }
                    streamVersions[event.streamID] = event.streamVersion
                }
                let streamStatement = try db.cachedStatement(sql: """
                    INSERT INTO streams VALUES (?, ?) ON CONFLICT(stream_id) DO UPDATE SET version = excluded.version
                    """)
                for (stream, version) in streamVersions {
                    try streamStatement.execute(arguments: [stream, Int64(version)])
                }
                try db.execute(
                    sql: """
                        INSERT INTO meta(key, int_value, blob_value) VALUES ('head', ?, ?)
                        ON CONFLICT(key) DO UPDATE SET int_value = excluded.int_value, blob_value = excluded.blob_value
                        """, arguments: [Int64(head.headPosition), Data(head.headHash)])
            }
        } catch {
            throw .index(reason: "cannot record frames: \(error)")
        }
    }

    /// Forgets everything (before a rebuild from the segments).
    func reset() throws(LogError) {
        do {
            try pool.write { db in
                try Self.dropAll(db)
                try Self.createSchema(db)
            }
        } catch {
            throw .index(reason: "cannot reset: \(error)")
        }
    }
}
