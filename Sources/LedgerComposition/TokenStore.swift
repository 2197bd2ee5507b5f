import Crypto
import EventLog
import Foundation
import GRDB
import Synchronization

/// Who a request acts as: the token's name, role and (optional) project binding.
public struct APIIdentity: Sendable, Equatable {
    public var name: String
    public var role: Role
    /// nil: every project.
    public var project: String?

    /// A token bound to a project sees nothing of another (the caller answers 404).
    public func canSee(project: String) -> Bool { self.project == nil || self.project == project }
}

/// API tokens, kept as SHA-256 hashes only (`<data>/server/tokens.sqlite`).
///
/// Invariant: a token's clear text exists only in the answer to ``create(name:role:project:)``;
/// lookups hash the presented token and compare hashes.
///
/// Known hashes are remembered in memory (every request presents a token, and tokens never
/// change once created); an unknown hash is looked up in SQLite each time, so a token
/// made meanwhile by `labelledger token create` in another process is found.
public final class TokenStore: Sendable {
    private let database: DatabaseQueue
    /// Hash → identity of tokens already found in SQLite.
    private let known = Mutex<[String: APIIdentity]>([:])

    public init(path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        SQLiteProcessSetup.ensure()
        database = try DatabaseQueue(path: path)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS tokens(
                    hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, project TEXT,
                    created_at REAL NOT NULL)
                """)
        }
    }

    static func hash(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// A new token's clear text: `llt_` and 32 random bytes, base64url.
    private static func newToken() -> String {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        return "llt_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Creates an admin token for this process only: known in memory, never stored, so it
    /// stops working when the process ends (however it ends). The server hands it to the
    /// command line through its ``LabelingService/ServerAdvertisement``.
    public func createProcessToken(name: String) -> String {
        let token = Self.newToken()
        known.withLock { $0[Self.hash(token)] = APIIdentity(name: name, role: .admin, project: nil) }
        return token
    }

    /// Creates a token and returns its clear text (the only time it is shown).
    public func create(name: String, role: Role, project: String?) throws -> String {
        let token = Self.newToken()
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO tokens(hash, name, role, project, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [Self.hash(token), name, role.rawValue, project, Date().timeIntervalSince1970])
        }
        return token
    }

    /// The identity of `token`, or nil. A token seen before is answered from memory; an
    /// unknown one is looked up through GRDB's async read (off the cooperative pool).
    public func identity(for token: String) async throws -> APIIdentity? {
        let hash = Self.hash(token)
        if let identity = known.withLock({ $0[hash] }) { return identity }
        let found = try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT name, role, project FROM tokens WHERE hash = ?", arguments: [hash])
                .flatMap { row in Role(rawValue: row["role"]).map { APIIdentity(name: row["name"], role: $0, project: row["project"]) } }
        }
        if let found { known.withLock { $0[hash] = found } }
        return found
    }

    /// How many tokens are stored, read through GRDB's async read (off the cooperative
    /// pool). Throws when the store cannot be read: an unreadable store is not an empty one
    /// (`serve` would otherwise mint a new admin token).
    public func count() async throws -> Int {
        try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tokens") ?? 0 }
    }
}
