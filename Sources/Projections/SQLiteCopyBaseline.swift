import Foundation
import GRDB

/// The floor under a rebuild's SQLite work: the time SQLite alone takes to write a finished
/// projection again — a fresh file with the same tables, every row copied by
/// `INSERT … SELECT` in primary-key order, then every index created — with the pragmas a
/// rebuild's shadow uses (``ProjectionGeneration/pragmas(bulk:)``, no journal). No Swift code touches a
/// row, so no rebuild of the same schema and rows can write them faster on the same
/// machine: `events / seconds` bounds the rebuild's events/s from above.
///
/// Invariants: only reads the source (attached; no statement writes to it); the copy is a
/// scratch file that is removed before ``measure(source:scratch:)`` returns.
public enum SQLiteCopyBaseline {
    /// Times of one copy.
    public struct Timing: Sendable {
        public var rows: Duration
        public var indexes: Duration
        public var total: Duration { rows + indexes }
    }

    /// Copies the projection at `source` into `scratch` (overwritten, then removed).
    public static func measure(source: URL, scratch: URL) throws -> Timing {
        let remove = { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: scratch.path + suffix) } }
        remove()
        defer { remove() }
        let schema = try DatabaseQueue(path: source.path, configuration: readOnly()).read { db in
            try Row.fetchAll(db, sql: """
                SELECT type, name, sql FROM sqlite_schema
                WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid
                """).map { (type: $0[0] as String, name: $0[1] as String, sql: $0[2] as String) }
        }
        var configuration = Configuration()
        // The shadow's own settings, and no journal, as in its bulk phase.
        let pragmas = ProjectionGeneration.pragmas(bulk: true) + ["PRAGMA journal_mode = OFF"]
        configuration.prepareDatabase { db in
            for pragma in pragmas { try db.execute(sql: pragma) }
        }
        let copy = try DatabaseQueue(path: scratch.path, configuration: configuration)
        let clock = ContinuousClock()
        return try copy.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source.path])
            let tables = schema.filter { $0.type == "table" }
            for table in tables { try db.execute(sql: table.sql) }
            let start = clock.now
            try db.inTransaction {
                for table in tables {
                    try db.execute(sql: "INSERT INTO main.\"\(table.name)\" SELECT * FROM source.\"\(table.name)\"")
                }
                return .commit
            }
            let indexing = clock.now
            try db.inTransaction {
                for index in schema where index.type == "index" { try db.execute(sql: index.sql) }
                return .commit
            }
            return Timing(rows: indexing - start, indexes: clock.now - indexing)
        }
    }

    private static func readOnly() -> Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
