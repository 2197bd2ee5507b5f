import Foundation
import PostgresEventStore

/// Tokens kept in the PostgreSQL store every node shares (see ``TokenRecords``).
extension PostgresServerState: TokenRecords {
    public func insert(hash: String, identity: APIIdentity) async throws {
        try await insertToken(hash: hash, name: identity.name, role: identity.role.rawValue, project: identity.project)
    }

    public func identity(hash: String) async throws -> APIIdentity? {
        try await token(hash: hash).flatMap { row in
            Role(rawValue: row.role).map { APIIdentity(name: row.name, role: $0, project: row.project) }
        }
    }

    public func count() async throws -> Int {
        try await tokenCount()
    }
}

/// Idempotency answers kept in the PostgreSQL store every node shares (see ``AnswerRecords``).
extension PostgresServerState: AnswerRecords {
    public func answer(scope: String, key: String) async throws -> IdempotencyStore.Answer? {
        try await answerRow(scope: scope, key: key).map {
            IdempotencyStore.Answer(status: $0.status, body: Data($0.body), fingerprint: $0.fingerprint)
        }
    }

    public func save(_ answer: IdempotencyStore.Answer, scope: String, key: String) async throws {
        try await saveAnswer(scope: scope, key: key, status: answer.status, body: Array(answer.body), fingerprint: answer.fingerprint)
    }
}
