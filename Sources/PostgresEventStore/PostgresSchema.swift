import EventLog
import Foundation
import Logging
import PostgresNIO

/// The store's tables, created and migrated by the product itself (``migrate(on:logger:)``),
/// versioned in `SCHEMA.schema_version`: one row per applied migration.
///
/// Version 1:
///
/// ```sql
/// events (position bigint PRIMARY KEY,            -- 1-based, gap-free (see PostgresEventStore)
///         stream_id text, stream_version bigint,  -- UNIQUE (stream_id, stream_version)
///         event_id uuid, event_type text, recorded_at_micros bigint, command_id text,
///         record bytea,          -- the serialized labelledger.log.EventRecord, as in a segment frame
///         previous_hash bytea,   -- the hash of the row at position - 1 (32 zero bytes for position 1)
///         hash bytea)            -- SHA-256(previous_hash ‖ record)
/// commands (command_id text PRIMARY KEY, stream_id, first/last_position, first/last_version)
/// head (only row id = 1: position, hash, recorded_at_micros of the last event: the chain's anchor)
/// ```
///
/// Version 2 (the server state several nodes share, see ``PostgresServerState``):
///
/// ```sql
/// tokens (hash text PRIMARY KEY, name, role, project, created_at)      -- SHA-256 of API tokens
/// idempotency_answers (scope, key, status, body bytea, fingerprint, created_at, PRIMARY KEY (scope, key))
/// ```
///
/// Invariant: a migration runs inside one transaction holding the store's advisory lock, so two
/// processes opening one store at once apply each step once; a database whose version is newer
/// than ``currentVersion`` is refused (``LogError/storeSchemaTooNew(found:supported:)``) and
/// left untouched.
struct PostgresSchema: Sendable {
    let name: String

    /// The version this build writes.
    static let currentVersion = 2

    /// `"name".table`, for splicing into SQL (the name is checked by ``PostgresStoreAddress``).
    func table(_ table: String) -> String { "\"\(name)\".\(table)" }

    /// The key of the store's transaction-level advisory lock (`pg_advisory_xact_lock`): every
    /// append and every migration of this schema holds it until it commits.
    var lockKey: Int64 {
        // FNV-1a over a fixed prefix and the schema name: stable across processes and builds.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ("labelledger.event-store:" + name).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// The `LISTEN`/`NOTIFY` channel appends announce their last position on.
    var channel: String { "labelledger_events_\(name)" }

    /// The migrations in order; index `i` brings the schema to version `i + 1`. Never edit one
    /// that has shipped: add the next.
    private var migrations: [(description: String, statements: [String])] {
        [
            (
                "events, commands and head",
                [
                    """
                    CREATE TABLE \(table("events")) (
                        position bigint PRIMARY KEY CHECK (position > 0),
                        stream_id text NOT NULL,
                        stream_version bigint NOT NULL CHECK (stream_version > 0),
                        event_id uuid NOT NULL,
                        event_type text NOT NULL,
                        recorded_at_micros bigint NOT NULL,
                        command_id text NOT NULL,
                        record bytea NOT NULL,
                        previous_hash bytea NOT NULL,
                        hash bytea NOT NULL,
                        UNIQUE (stream_id, stream_version)
                    )
                    """,
                    "CREATE INDEX ON \(table("events")) (recorded_at_micros, position)",
                    """
                    CREATE TABLE \(table("commands")) (
                        command_id text PRIMARY KEY,
                        stream_id text NOT NULL,
                        first_position bigint NOT NULL,
                        last_position bigint NOT NULL,
                        first_version bigint NOT NULL,
                        last_version bigint NOT NULL
                    )
                    """,
                    """
                    CREATE TABLE \(table("head")) (
                        id integer PRIMARY KEY CHECK (id = 1),
                        position bigint NOT NULL,
                        hash bytea NOT NULL,
                        recorded_at_micros bigint NOT NULL
                    )
                    """,
                    "INSERT INTO \(table("head")) VALUES (1, 0, '\\x\(String(repeating: "00", count: 32))'::bytea, 0)",
                ]
            ),
            (
                "tokens and idempotency answers shared by the server nodes",
                [
                    """
                    CREATE TABLE \(table("tokens")) (
                        hash text PRIMARY KEY,
                        name text NOT NULL,
                        role text NOT NULL,
                        project text,
                        created_at double precision NOT NULL
                    )
                    """,
                    """
                    CREATE TABLE \(table("idempotency_answers")) (
                        scope text NOT NULL,
                        key text NOT NULL,
                        status integer NOT NULL,
                        body bytea NOT NULL,
                        fingerprint text NOT NULL,
                        created_at double precision NOT NULL,
                        PRIMARY KEY (scope, key)
                    )
                    """,
                ]
            ),
        ]
    }

    /// Creates the schema or brings it to ``currentVersion``; returns the version found before.
    @discardableResult
    func migrate(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(name)\""), logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: """
                    CREATE TABLE IF NOT EXISTS \(table("schema_version")) (
                        version integer PRIMARY KEY,
                        description text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """), logger: logger)
            var found = 0
            for try await version in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT coalesce(max(version), 0) FROM \(table("schema_version"))"), logger: logger
            ).decode(Int.self) {
                found = version
            }
            guard found <= Self.currentVersion else {
                throw LogError.storeSchemaTooNew(found: found, supported: Self.currentVersion)
            }
            for (index, migration) in migrations.enumerated() where index + 1 > found {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO \(unescaped: table("schema_version")) (version, description) VALUES (\(index + 1), \(migration.description))",
                    logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
            return found
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
