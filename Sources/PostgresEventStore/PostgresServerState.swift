import EventLog
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The server state several nodes share when their log is in PostgreSQL: API tokens (hashes
/// only) and the first answers to requests that carried an `Idempotency-Key`, in the store's
/// schema (version 2, see ``PostgresSchema``), through the store's connection pool.
///
/// Invariants: a token hash and a `(scope, key)` are each written at most once (primary keys);
/// ``saveAnswer(scope:key:status:body:fingerprint:)`` keeps the first answer (`ON CONFLICT DO
/// NOTHING`), so two nodes answering the same retried key concurrently keep one answer.
public struct PostgresServerState: Sendable {
    let store: PostgresEventStore

    public init(store: PostgresEventStore) {
        self.store = store
    }

    /// One stored token: the identity it names.
    public struct TokenRow: Sendable, Equatable {
        public var name: String
        public var role: String
        public var project: String?
    }

    /// One stored answer.
    public struct AnswerRow: Sendable, Equatable {
        public var status: Int
        public var body: [UInt8]
        public var fingerprint: String
    }

    private var tokens: String { store.schema.table("tokens") }
    private var answers: String { store.schema.table("idempotency_answers") }

    public func insertToken(hash: String, name: String, role: String, project: String?) async throws(LogError) {
        try await run(
            """
            INSERT INTO \(unescaped: tokens) (hash, name, role, project, created_at)
            VALUES (\(hash), \(name), \(role), \(project), \(Date().timeIntervalSince1970))
            """)
    }

    public func token(hash: String) async throws(LogError) -> TokenRow? {
        do {
            let rows = try await store.client.query(
                "SELECT name, role, project FROM \(unescaped: tokens) WHERE hash = \(hash)", logger: store.logger
            ).collect()
            return try rows.first.map { row in
                let (name, role, project) = try row.decode((String, String, String?).self)
                return TokenRow(name: name, role: role, project: project)
            }
        } catch {
            throw store.storeError(error)
        }
    }

    public func tokenCount() async throws(LogError) -> Int {
        do {
            let rows = try await store.client.query("SELECT count(*) FROM \(unescaped: tokens)", logger: store.logger).collect()
            return Int(try rows.first?.decode(Int64.self) ?? 0)
        } catch {
            throw store.storeError(error)
        }
    }

    public func answerRow(scope: String, key: String) async throws(LogError) -> AnswerRow? {
        do {
            let rows = try await store.client.query(
                "SELECT status, body, fingerprint FROM \(unescaped: answers) WHERE scope = \(scope) AND key = \(key)",
                logger: store.logger
            ).collect()
            return try rows.first.map { row in
                let (status, body, fingerprint) = try row.decode((Int32, ByteBuffer, String).self)
                return AnswerRow(status: Int(status), body: Array(body.readableBytesView), fingerprint: fingerprint)
            }
        } catch {
            throw store.storeError(error)
        }
    }

    /// Keeps the first answer for `(scope, key)`; a later one is ignored.
    public func saveAnswer(scope: String, key: String, status: Int, body: [UInt8], fingerprint: String) async throws(LogError) {
        try await run(
            """
            INSERT INTO \(unescaped: answers) (scope, key, status, body, fingerprint, created_at)
            VALUES (\(scope), \(key), \(Int32(clamping: status)), \(ByteBuffer(bytes: body)), \(fingerprint),
                \(Date().timeIntervalSince1970))
            ON CONFLICT (scope, key) DO NOTHING
            """)
    }

    private func run(_ query: PostgresQuery) async throws(LogError) {
        do {
            _ = try await store.client.query(query, logger: store.logger).collect()
        } catch {
            throw store.storeError(error)
        }
    }
}
