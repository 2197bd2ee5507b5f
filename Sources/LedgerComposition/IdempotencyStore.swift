import EventLog
import Foundation

/// The first answer to every request that carried an `Idempotency-Key`, so that a retry
/// gets the same answer and appends nothing (the key is also the log's command id).
///
/// Keys are scoped by token name: two clients cannot collide on a key. Each answer keeps the
/// fingerprint of the request it answered, so that a key reused for another request is told
/// apart from a retry.
public final class IdempotencyStore: Sendable {

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

    private let records: any AnswerRecords

    /// Answers in the SQLite file at `path`.
    public convenience init(path: String) throws {
        self.init(records: try SQLiteAnswerRecords(path: path))
    }

    /// Answers in `records` (the PostgreSQL store when several nodes share one log).
    public init(records: any AnswerRecords) {
        self.records = records
    }

    /// The stored answer for `key` in `scope`, or nil (off the cooperative pool).
    public func answer(scope: String, key: String) async throws -> Answer? {
        try await records.answer(scope: scope, key: key)
    }

    /// Keeps the first answer for `key` in `scope` (a later one is ignored).
    public func save(_ answer: Answer, scope: String, key: String) async throws {
        try await records.save(answer, scope: scope, key: key)
    }
}
