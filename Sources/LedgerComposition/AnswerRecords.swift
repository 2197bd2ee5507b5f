import Foundation
import GRDB

/// Where the first answers to requests with an `Idempotency-Key` are kept: the node's own
/// SQLite file (``SQLiteAnswerRecords``, the embedded default) or the PostgreSQL store every
/// node shares (`PostgresServerState`), so a retry sent to another node replays the first
/// answer. ``IdempotencyStore`` sits in front of either.
///
/// Invariant: the first answer saved for a `(scope, key)` is kept; later ones are ignored.
public protocol AnswerRecords: Sendable {
    func answer(scope: String, key: String) async throws -> IdempotencyStore.Answer?
    func save(_ answer: IdempotencyStore.Answer, scope: String, key: String) async throws
}

/// Answers in `<data>/server/idempotency.sqlite` (GRDB's async reads and writes: off the pool).
public struct SQLiteAnswerRecords: AnswerRecords {
    private let database: DatabaseQueue

    public init(path: String) throws {
        database = try ServerStateFile.open(path: path) { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS answers(
                    scope TEXT NOT NULL, key TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,
                    created_at REAL NOT NULL, PRIMARY KEY(scope, key))
                """)
            // Stores made before answers kept their request's fingerprint.
            if try !db.columns(in: "answers").contains(where: { $0.name == "fingerprint" }) {
                try db.execute(sql: "ALTER TABLE answers ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''")
            }
        }
    }

    public func answer(scope: String, key: String) async throws -> IdempotencyStore.Answer? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT status, body, fingerprint FROM answers WHERE scope = ? AND key = ?", arguments: [scope, key])
                .map { IdempotencyStore.Answer(status: $0["status"], body: $0["body"], fingerprint: $0["fingerprint"]) }
        }
    }

    public func save(_ answer: IdempotencyStore.Answer, scope: String, key: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO answers(scope, key, status, body, fingerprint, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [scope, key, answer.status, answer.body, answer.fingerprint, Date().timeIntervalSince1970])
        }
    }
}
