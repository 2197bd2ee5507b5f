#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import Synchronization

/// The projection databases under one directory (normally `<data>/projections`), and
/// which generation of each is live.
///
/// Layout: `<name>.<generation>.sqlite` (WAL) per projection, and `<name>.current`, a
/// one-line file naming the live generation's file; it is replaced with an atomic
/// `rename(2)`, so a crash during a rebuild leaves the previous generation live.
///
/// ```swift
/// let store = try ProjectionStore.open(directory: data.projections) // data: a DataDirectory
/// let projector = Projector(log: log, store: store)
/// try await projector.start()            // rebuilds stale projections, catches up
/// let page = try ProjectionQueries(store: store).samples(SampleQuery(dataset: "ds-1", tab: .labeled))
/// ```
///
/// Invariants:
/// - every projection always has exactly one live generation; a query runs entirely on
///   the generation it started on (a swap never breaks a running query);
/// - only the ``Projector`` writes; any number of readers may run at the same time
///   (SQLite WAL), also from other processes.
///
/// Thread-safety: all methods may be called from any task; the live generations are
/// guarded by a `Mutex`.
public final class ProjectionStore: Sendable {
    public let directory: URL
    private let live: Mutex<[ProjectionKind: ProjectionGeneration]>

    private init(directory: URL, live: [ProjectionKind: ProjectionGeneration]) {
        self.directory = directory
        self.live = Mutex(live)
    }

    /// Whether a projection directory with at least one live projection exists.
    public static func exists(directory: URL) -> Bool {
        ProjectionKind.allCases.contains {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0.rawValue).current").path)
        }
    }

    /// Opens (creating when missing) every projection's live generation. A projection
    /// without one gets an empty generation 1 at checkpoint 0. Files of generations that
    /// are not live (abandoned shadows) are removed when `removeStaleFiles` is true — only
    /// a writer (the process holding the log) should ask for it.
    public static func open(directory: URL, removeStaleFiles: Bool = true) throws(ProjectionError) -> ProjectionStore {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory.path, reason: "cannot create the projection directory: \(error.localizedDescription)")
        }
        var live: [ProjectionKind: ProjectionGeneration] = [:]
        for kind in ProjectionKind.allCases {
            let number: Int
            if let current = try readPointer(kind, directory) {
                number = current
                live[kind] = try ProjectionGeneration.open(kind: kind, number: number, directory: directory, create: false)
            } else {
                number = 1
                let generation = try ProjectionGeneration.open(kind: kind, number: 1, directory: directory, create: true)
                try writePointer(kind, number: 1, directory)
                live[kind] = generation
            }
            if removeStaleFiles { removeFiles(of: kind, except: number, in: directory) }
        }
        return ProjectionStore(directory: directory, live: live)
    }

    /// Opens the live generation of every projection for reading only, writing nothing
    /// (no directory, pointer, database, `-wal` or `-shm` file is created or changed). For
    /// `verify`. Throws when a projection has no live generation.
    public static func openReadOnly(directory: URL) throws(ProjectionError) -> ProjectionStore {
        var live: [ProjectionKind: ProjectionGeneration] = [:]
        for kind in ProjectionKind.allCases {
            guard let number = try readPointer(kind, directory) else {
                throw .io(path: pointerURL(kind, directory).path, reason: "projection \(kind) has no live generation")
            }
            live[kind] = try ProjectionGeneration.openReadOnly(kind: kind, number: number, directory: directory)
        }
        return ProjectionStore(directory: directory, live: live)
    }

    // MARK: - Generations

    /// The live generation of `kind`. Hold it for the duration of one query.
    func generation(_ kind: ProjectionKind) -> ProjectionGeneration {
        live.withLock { $0[kind]! }
    }

    /// The live database of `kind`, for reading (tests, tools).
    public func database(_ kind: ProjectionKind) -> DatabasePool { generation(kind).pool }

    /// The file of the live generation of `kind` (it changes when a rebuild installs a new one).
    public func file(_ kind: ProjectionKind) -> URL { generation(kind).url }

    /// A new, empty generation of `kind` beside the live one (not live yet).
    func makeShadow(_ kind: ProjectionKind) throws(ProjectionError) -> ProjectionGeneration {
        let number = generation(kind).number + 1
        return try ProjectionGeneration.open(kind: kind, number: number, directory: directory, create: true, bulk: true)
    }

    /// Makes `shadow` the live generation: syncs it, switches the pointer file atomically,
    /// then hands new queries to it. Queries running on the old generation finish there;
    /// its files are deleted when the last of them ends.
    func install(_ shadow: ProjectionGeneration) throws(ProjectionError) {
        do {
            try shadow.pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw ProjectionError.wrap(shadow.kind.rawValue, error)
        }
        // Reopen with the live settings (synchronous NORMAL) so later writes are durable.
        let installed = try ProjectionGeneration.open(
            kind: shadow.kind, number: shadow.number, directory: directory, create: false)
        try Self.syncFile(shadow.url)
        try Self.writePointer(shadow.kind, number: shadow.number, directory)
        let old = live.withLock { live in
            let old = live[shadow.kind]
            live[shadow.kind] = installed
            return old
        }
        old?.isObsolete.store(true, ordering: .releasing)
    }

    /// Stored name, code version and checkpoint of the live generation of `kind`.
    public func status(_ kind: ProjectionKind) throws(ProjectionError) -> ProjectionStatus {
        let generation = generation(kind)
        let meta = try generation.meta()
        return ProjectionStatus(
            kind: kind, generation: generation.number, file: generation.url,
            storedCodeVersion: meta?.codeVersion, checkpoint: meta?.checkpoint ?? 0)
    }

    /// The last log position applied to the live generation of `kind`.
    public func checkpoint(_ kind: ProjectionKind) throws(ProjectionError) -> UInt64 {
        try status(kind).checkpoint
    }

    // MARK: - Files

    private static func pointerURL(_ kind: ProjectionKind, _ directory: URL) -> URL {
        directory.appendingPathComponent("\(kind.rawValue).current")
    }

    private static func readPointer(_ kind: ProjectionKind, _ directory: URL) throws(ProjectionError) -> Int? {
        let url = pointerURL(kind, directory)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = name.split(separator: ".")
        guard parts.count == 3, parts[0] == kind.rawValue, let number = Int(parts[1]),
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
        else {
            throw .io(path: url.path, reason: "the pointer names '\(name)', which is not a generation file of '\(kind)'")
        }
        return number
    }

    private static func writePointer(_ kind: ProjectionKind, number: Int, _ directory: URL) throws(ProjectionError) {
        let url = pointerURL(kind, directory)
        let temporary = url.path + ".tmp"
        let contents = ProjectionGeneration.fileName(kind, number) + "\n"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(contents.utf8)) else {
            throw .io(path: temporary, reason: "cannot write the pointer file")
        }
        try syncFile(URL(fileURLWithPath: temporary))
        guard rename(temporary, url.path) == 0 else {
            throw .io(path: url.path, reason: "rename failed: \(String(cString: strerror(errno)))")
        }
        try syncFile(directory)
    }

    private static func syncFile(_ url: URL) throws(ProjectionError) {
        let fd = Glibc.open(url.path, O_RDONLY)
        guard fd >= 0 else { throw .io(path: url.path, reason: "open for sync: \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: url.path, reason: "fsync: \(String(cString: strerror(errno)))") }
    }

    private static func removeFiles(of kind: ProjectionKind, except number: Int, in directory: URL) {
        let keep = ProjectionGeneration.fileName(kind, number)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(kind.rawValue + ".") && name.contains(".sqlite") && !name.hasPrefix(keep) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}

/// What a projection's live database says about itself.
public struct ProjectionStatus: Sendable, Equatable {
    public var kind: ProjectionKind
    /// The live generation number (increases with every rebuild).
    public var generation: Int
    public var file: URL
    /// The code version that built the database (nil when unreadable).
    public var storedCodeVersion: Int?
    /// The last log position applied.
    public var checkpoint: UInt64

    /// True when the database was built by another code version and must be rebuilt.
    public var isStale: Bool { storedCodeVersion != kind.codeVersion }
}
