import EventLog
import Foundation
import PostgresNIO

/// Where a PostgreSQL event store lives, parsed from a `postgres://` (or `postgresql://`) URL
/// in libpq's form:
///
/// ```
/// postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME][&sslmode=disable|prefer|require]
/// postgres://USER@/DATABASE?host=/run/postgresql[&port=5432]      (a unix socket directory)
/// ```
///
/// - `schema` (default `labelledger`): the PostgreSQL schema holding the store's tables, so
///   several ledgers can share one database. A lowercase SQL identifier: `[a-z_][a-z0-9_]*`,
///   at most 48 bytes.
/// - `host=/dir` (a query item, or a percent-encoded path as the URL's host): connect through
///   the unix socket `/dir/.s.PGSQL.PORT`, as libpq does.
/// - `sslmode`: `disable` (the default, for local sockets and loopback), `prefer`, or `require`.
///
/// Invariant: ``schema`` is safe to splice into SQL as an identifier (checked at parse time).
public struct PostgresStoreAddress: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket file itself (`DIR/.s.PGSQL.PORT`).
        case unixSocket(path: String)
    }

    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var schema: String
    public var tls: TLSMode

    public static let defaultSchema = "labelledger"

    public init(
        endpoint: Endpoint, username: String, password: String? = nil, database: String,
        schema: String = PostgresStoreAddress.defaultSchema, tls: TLSMode = .disable
    ) throws(LogError) {
        guard Self.isValidSchemaName(schema) else {
            throw .invalidStoreURL(schema, reason: "schema must match [a-z_][a-z0-9_]* and be at most 48 bytes")
        }
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls
    }

    /// Parses a `postgres://` URL; every refusal is ``LogError/invalidStoreURL(_:reason:)`` naming the rule.
    public init(url string: String) throws(LogError) {
        func refuse(_ reason: String) -> LogError { .invalidStoreURL(Self.redacted(string), reason: reason) }
        guard let components = URLComponents(string: string) else { throw refuse("not a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw refuse("the scheme must be postgres:// or postgresql://")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { throw refuse("query item '\(item.name)' has no value") }
            guard query[item.name] == nil else { throw refuse("query item '\(item.name)' is repeated") }
            query[item.name] = value
        }
        let known: Set<String> = ["schema", "host", "port", "sslmode", "user", "password", "dbname"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw refuse("unknown query item '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        var port = components.port ?? 5432
        if let text = query["port"] {
            guard let value = Int(text) else { throw refuse("port '\(text)' is not a number") }
            port = value
        }
        guard (1...65535).contains(port) else { throw refuse("port \(port) is outside 1...65535") }
        let host = query["host"] ?? components.percentEncodedHost.flatMap { $0.removingPercentEncoding } ?? ""
        let endpoint: Endpoint
        if host.hasPrefix("/") {
            endpoint = .unixSocket(path: host + "/.s.PGSQL.\(port)")
        } else if host.isEmpty {
            throw refuse("no host: give HOST[:PORT] or ?host=/socket/directory")
        } else {
            endpoint = .tcp(host: host, port: port)
        }
        guard let user = query["user"] ?? components.user, !user.isEmpty else { throw refuse("no user name") }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        if let name = query["dbname"] { database = name }
        guard !database.isEmpty, !database.contains("/") else { throw refuse("the path must name one database") }
        guard let tls = TLSMode(rawValue: query["sslmode"] ?? "disable") else {
            throw refuse("sslmode must be disable, prefer or require")
        }
        try self.init(
            endpoint: endpoint, username: user, password: query["password"] ?? components.password,
            database: database, schema: query["schema"] ?? Self.defaultSchema, tls: tls)
    }

    static func isValidSchemaName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 48 else { return false }
        func isLower(_ b: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || b == UInt8(ascii: "_") }
        return isLower(first) && bytes.allSatisfy { isLower($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The URL with any password replaced, for messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparseable URL)" }
        if components.password != nil { components.password = "***" }
        if let items = components.queryItems {
            components.queryItems = items.map { $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0 }
        }
        return components.string ?? "(unparseable URL)"
    }

    /// The client configuration for this address.
    func clientConfiguration(maximumConnections: Int) throws(LogError) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case let .unixSocket(path):
            configuration = .init(unixSocketPath: path, username: username, password: password, database: database)
        case let .tcp(host, port):
            let tlsConfiguration: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: tlsConfiguration = .disable
            case .prefer: tlsConfiguration = .prefer(.makeClientConfiguration())
            case .require: tlsConfiguration = .require(.makeClientConfiguration())
            }
            configuration = .init(
                host: host, port: port, username: username, password: password, database: database, tls: tlsConfiguration)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        return configuration
    }
}
