import Crypto
import EventLog
import Foundation
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

/// API tokens, kept as SHA-256 hashes only, in ``TokenRecords``: `<data>/server/tokens.sqlite`,
/// or the PostgreSQL store shared by every node (`serve --store postgres://…`).
///
/// Invariant: a token's clear text exists only in the answer to ``create(name:role:project:)``;
/// lookups hash the presented token and compare hashes.
///
/// Known hashes are remembered in memory (every request presents a token, and tokens never
/// change once created); an unknown hash is looked up in the records each time, so a token
/// made meanwhile by `labelledger token create` in another process, or on another node, is found.
public final class TokenStore: Sendable {
    private let records: any TokenRecords
    /// Hash → identity of tokens already found in the records.
    private let known = Mutex<[String: APIIdentity]>([:])

    /// Tokens in the SQLite file at `path`.
    public convenience init(path: String) throws {
        self.init(records: try SQLiteTokenRecords(path: path))
    }

    public init(records: any TokenRecords) {
        self.records = records
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
    public func create(name: String, role: Role, project: String?) async throws -> String {
        let token = Self.newToken()
        try await records.insert(hash: Self.hash(token), identity: APIIdentity(name: name, role: role, project: project))
        return token
    }

    /// The identity of `token`, or nil. A token seen before is answered from memory; an
    /// unknown one is looked up in the records (off the cooperative pool).
    public func identity(for token: String) async throws -> APIIdentity? {
        let hash = Self.hash(token)
        if let identity = known.withLock({ $0[hash] }) { return identity }
        let found = try await records.identity(hash: hash)
        if let found { known.withLock { $0[hash] = found } }
        return found
    }

    /// How many tokens are stored (off the cooperative pool). Throws when the records cannot
    /// be read: an unreadable store is not an empty one (`serve` would otherwise mint a new
    /// admin token).
    public func count() async throws -> Int {
        try await records.count()
    }
}
