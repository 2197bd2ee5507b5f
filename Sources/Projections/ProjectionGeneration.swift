import EventLog
import Foundation
import GRDB
import Synchronization

/// One database file of a projection: `<data>/projections/<name>.<generation>.sqlite`.
///
/// A rebuild writes a new generation beside the live one and installs it with
/// ``ProjectionStore/install(_:)``. Readers hold a reference to the generation they
/// started on, so a query that began before a swap ends on the old file; the old file
/// is closed and deleted only when its last reader lets go (`deinit`), never under a
/// running query.
final class ProjectionGeneration: Sendable {
    let kind: ProjectionKind
    let number: Int
    let url: URL
    let pool: DatabasePool
    /// Set once the generation is replaced or abandoned: its files go when it is released.
    let isObsolete = Atomic<Bool>(false)
    /// A live generation's WAL checkpoints, run beside its writer (nil for a shadow in bulk).
    let checkpointer: WALCheckpointer?

    init(kind: ProjectionKind, number: Int, url: URL, pool: DatabasePool, checkpointer: WALCheckpointer?) {
        self.kind = kind
        self.number = number
        self.url = url
        self.pool = pool
        self.checkpointer = checkpointer
    }

    deinit {
        guard isObsolete.load(ordering: .acquiring) else { return }
        checkpointer?.close()
        try? pool.close()
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: url.path + suffix)
        }
    }

    static func fileName(_ kind: ProjectionKind, _ number: Int) -> String {
        "\(kind.rawValue).\(String(format: "%06d", number)).sqlite"
    }

    /// Opens (creating when `create`) the database in WAL mode. A new database gets the
    /// schema and a meta row with checkpoint 0 and the current code version.
    static func open(
        kind: ProjectionKind, number: Int, directory: URL, create: Bool, bulk: Bool = false
    ) throws(ProjectionError) -> ProjectionGeneration {
        let url = directory.appendingPathComponent(fileName(kind, number))
        if create {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
        }
        SQLiteProcessSetup.ensure()
        var configuration = Configuration()
        configuration.maximumReaderCount = 4
        configuration.busyMode = .timeout(10)
        configuration.label = "projection.\(kind.rawValue)"
        let pragmas = Self.pragmas(bulk: bulk)
        // A shadow's bulk phase writes without a journal, and its install checkpoints it.
        let checkpointer = bulk ? nil : WALCheckpointer(path: url.path)
        configuration.prepareDatabase { db in
            for pragma in pragmas { try db.execute(sql: pragma) }
            checkpointer?.install(on: db)
        }
        do {
            let pool = try DatabasePool(path: url.path, configuration: configuration)
            if create {
                try pool.write { db in
                    try db.execute(sql: ProjectionSchema.meta)
                    try db.execute(
                        sql: "INSERT INTO projection_meta(name, code_version, checkpoint) VALUES (?, ?, 0)",
                        arguments: [kind.rawValue, kind.codeVersion])
                    try kind.createSchema(db, deferQueryIndexes: bulk)
                }
                if bulk { try setJournalMode("off", pool) }
            }
            return ProjectionGeneration(kind: kind, number: number, url: url, pool: pool, checkpointer: checkpointer)
        } catch {
            throw ProjectionError.wrap(kind.rawValue, error)
        }
    }

    /// Opens an existing generation for reading only, writing nothing: no `-wal` or `-shm`
    /// is created and no file changes (see `ReadOnlySQLite`). For `verify`.
    static func openReadOnly(kind: ProjectionKind, number: Int, directory: URL) throws(ProjectionError) -> ProjectionGeneration {
        let url = directory.appendingPathComponent(fileName(kind, number))
        var configuration = ReadOnlySQLite.configuration()
        configuration.maximumReaderCount = 4
        configuration.label = "projection.\(kind.rawValue).read-only"
        do {
            let pool = try DatabasePool(path: ReadOnlySQLite.uri(path: url.path), configuration: configuration)
            return ProjectionGeneration(kind: kind, number: number, url: url, pool: pool, checkpointer: nil)
        } catch {
            throw ProjectionError.wrap(kind.rawValue, error)
        }
    }

    /// The stored name, code version and checkpoint; nil when the file has no meta row.
    func meta() throws(ProjectionError) -> (name: String, codeVersion: Int, checkpoint: UInt64)? {
        do {
            return try pool.read { db in
                guard try db.tableExists("projection_meta"),
                    let row = try Row.fetchOne(db, sql: "SELECT name, code_version, checkpoint FROM projection_meta")
                else { return nil }
                return (row[0], row[1], UInt64(row[2] as Int64))
            }
        } catch {
            throw ProjectionError.wrap(kind.rawValue, error)
        }
    }

    /// Every connection's settings: a bulk-built shadow's (`bulk`) or a live generation's.
    ///
    /// - A shadow being built is thrown away on a crash: no need to sync it until it is
    ///   installed (``ProjectionStore/install(_:)`` syncs it first).
    /// - A shadow's bulk phase inserts audit rows in key orders unrelated to the log's
    ///   (sample id, actor, time): with the whole file in cache those inserts never wait
    ///   for a page to be read back. 1 GiB is a ceiling, not an allocation.
    /// - Sorting the keys of each deferred index is most of ``createQueryIndexes()``: the
    ///   shadow lets SQLite's sorter use a second thread.
    static func pragmas(bulk: Bool) -> [String] {
        [
            "PRAGMA synchronous = \(bulk ? "OFF" : "NORMAL")",
            "PRAGMA cache_size = -\(bulk ? 1_048_576 : 65_536)",
            "PRAGMA temp_store = MEMORY",
        ] + (bulk ? ["PRAGMA threads = 2"] : [])
    }

    /// Creates the indexes a bulk-built shadow deferred (see `ProjectionSchema`).
    func createQueryIndexes() throws(ProjectionError) {
        do {
            try pool.write { db in try kind.createQueryIndexes(db) }
        } catch {
            throw ProjectionError.wrap(kind.rawValue, error)
        }
    }

    /// Ends a bulk-built shadow's journal-less phase: back to WAL, as every live generation
    /// runs, before the shadow's catch-up and ``ProjectionStore/install(_:)``.
    ///
    /// A shadow opened with `bulk` writes its bulk phase without any journal: each page
    /// goes to the file once, not to the WAL first and then again at a checkpoint (about 10 %
    /// of a rebuild at 300k samples). Nothing is lost by it: a shadow nobody reads until it is
    /// installed has nothing to roll back to — after a crash or a failed transaction it is
    /// an abandoned file, never installed and removed at the next open.
    func endBulkPhase() throws(ProjectionError) {
        do {
            try Self.setJournalMode("wal", pool)
        } catch {
            throw ProjectionError.wrap(kind.rawValue, error)
        }
    }

    private static func setJournalMode(_ mode: String, _ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in
            let now = try String.fetchOne(db, sql: "PRAGMA journal_mode = \(mode)")
            guard now?.lowercased() == mode else {
                throw DatabaseError(message: "journal_mode stayed \(now ?? "unknown") instead of \(mode)")
            }
        }
    }

    static func checkpoint(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT checkpoint FROM projection_meta") ?? 0)
    }

    static func setCheckpoint(_ db: Database, _ position: UInt64) throws {
        try db.execute(sql: "UPDATE projection_meta SET checkpoint = ?", arguments: [Int64(position)])
    }
}
