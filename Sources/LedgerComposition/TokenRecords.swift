import Foundation
import GRDB

/// Where API tokens are kept (SHA-256 hashes only): the node's own SQLite file
/// (``SQLiteTokenRecords``, the embedded default) or the PostgreSQL store every node shares
/// (`PostgresServerState`), so a token created on one node works on all. ``TokenStore`` sits
/// in front of either.
///
/// Invariant: a hash is stored at most once and never changes.
public protocol TokenRecords: Sendable {
    func insert(hash: String, identity: APIIdentity) async throws
    /// The identity stored for `hash`, or nil.
    func identity(hash: String) async throws -> APIIdentity?
    /// How many tokens are stored; throws when the records cannot be read (an unreadable
    /// store is not an empty one).
    func count() async throws -> Int
}

/// Tokens in `<data>/server/tokens.sqlite` (GRDB's async reads and writes: off the pool).
public struct SQLiteTokenRecords: TokenRecords {
    private let database: DatabaseQueue

    public init(path: String) throws {
        database = try ServerStateFile.open(path: path) { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS tokens(
                    hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, project TEXT,
                    created_at REAL NOT NULL)
                """)
        }
    }

    public func insert(hash: String, identity: APIIdentity) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO tokens(hash, name, role, project, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [hash, identity.name, identity.role.rawValue, identity.project, Date().timeIntervalSince1970])
        }
    }

    public func identity(hash: String) async throws -> APIIdentity? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT name, role, project FROM tokens WHERE hash = ?", arguments: [hash])
                .flatMap { row in Role(rawValue: row["role"]).map { APIIdentity(name: row["name"], role: $0, project: row["project"]) } }
        }
    }

    public func count() async throws -> Int {
        try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tokens") ?? 0 }
    }
}
