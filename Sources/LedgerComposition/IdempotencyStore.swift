import EventLog
import Foundation
import GRDB

/// The first answer to every request that carried an `Idempotency-Key`, so that a retry
/// gets the same answer and appends nothing (the key is also the log's command id).
///
/// Keys are scoped by token name: two clients cannot collide on a key. Each answer keeps the
/// fingerprint of the request it answered, so that a key reused for another request is told
/// apart from a retry.
public final class IdempotencyStore: Sendable {
    private let database: DatabaseQueue

    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: Data
        /// SHA-256 (hex) of the request answered: method, path and query, body.
        public var fingerprint: String

        public init(status: Int, body: Data, fingerprint: String) {
            self.status = status
            self.body = body
            self.fingerprint = fingerprint
        }
    }

    public init(path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        SQLiteProcessSetup.ensure()
        database = try DatabaseQueue(path: path)
        try database.write { db in
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

    /// The stored answer for `key` in `scope`, or nil (GRDB's async read: off the cooperative pool).
    public func answer(scope: String, key: String) async throws -> Answer? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT status, body, fingerprint FROM answers WHERE scope = ? AND key = ?", arguments: [scope, key])
                .map { Answer(status: $0["status"], body: $0["body"], fingerprint: $0["fingerprint"]) }
        }
    }

    /// Keeps the first answer for `key` in `scope` (a later one is ignored).
    public func save(_ answer: Answer, scope: String, key: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO answers(scope, key, status, body, fingerprint, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [scope, key, answer.status, answer.body, answer.fingerprint, Date().timeIntervalSince1970])
        }
    }
}
