import Dispatch
import Foundation
import GRDB
import Synchronization

/// The floor the log's durable batched appends are compared with: a plain SQLite events
/// table — WAL, `synchronous = FULL`, one transaction per batch, the same envelope fields
/// and payload bytes per event, a unique (stream, version) for optimistic concurrency as the
/// log keeps one — written by `appenders` threads sharing one connection (SQLite takes one
/// writer at a time, so concurrent batches wait for each other's commit and sync).
///
/// Invariants: writes only the scratch file at `path` (and its `-wal`/`-shm`), removed
/// before ``measure(path:events:batchSize:appenders:)`` returns; every event is written
/// exactly once, appender `a` taking batches `a`, `a + appenders`, … of `events`.
public enum SQLiteEventsTableBaseline {
    /// The time to append every event of `events` durably, `batchSize` per transaction.
    public static func measure(path: String, events: [ProposedEvent], batchSize: Int, appenders: Int) throws -> Duration {
        let remove = { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        remove()
        defer { remove() }
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE events(
                    position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
                    event_id BLOB NOT NULL, event_type TEXT NOT NULL, schema_version INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL, actor TEXT NOT NULL, command_id TEXT NOT NULL,
                    correlation_id TEXT NOT NULL, payload BLOB NOT NULL, UNIQUE(stream_id, stream_version))
                """)
        }
        let failure = Mutex<(any Error)?>(nil)
        let clock = ContinuousClock()
        let start = clock.now
        DispatchQueue.concurrentPerform(iterations: appenders) { appender in
            do {
                let stream = "dataset:a\(appender)"
                var version: Int64 = 0
                for first in stride(from: appender * batchSize, to: events.count, by: appenders * batchSize) {
                    try queue.write { db in
                        let insert = try db.cachedStatement(sql: "INSERT INTO events VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        for event in events[first..<min(first + batchSize, events.count)] {
                            version += 1
                                                        try insert.execute(arguments: [
                                stream, version, withUnsafeBytes(of: event.eventID.uuid) { Data($0) }, event.type,
                                Int64(event.schemaVersion), Int64(Date().timeIntervalSince1970 * 1_000_000), event.actor,
                                "", event.correlationID, event.payload,
                            ])
                        }
                    }
                }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        let elapsed = clock.now - start
        if let error = failure.withLock({ $0 }) { throw error }
        return elapsed
    }
}
