#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import EventLog
import Foundation
import LabelingService
import PostgresEventStore

/// `labelledger migrate --from A --to B`: copies the event log between the embedded engine (a
/// data directory) and PostgreSQL (a `postgres://` URL), either way, with ``EventStoreCopy``.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy the event log from a data directory to PostgreSQL, or back.",
        discussion: """
            --from and --to each name a data directory (its log/) or a postgres:// URL (see README, \
            PostgreSQL). Every event keeps its position, stream version, id, time, command id and \
            payload; the target must be empty (LabelLedger.Store.100). The source is verified first \
            (Store.102); the copy is verified afterwards and its digest (a SHA-256 chain over every \
            event) compared with the source's (Store.103). A data directory a running server holds \
            is refused (Store.101), and the source directory is held (shared lock) during the copy, \
            so no server starts on it meanwhile. Only the log moves: images/, server/ (tokens) and \
            projections/ stay in the directory; projections are rebuilt from the log.
            """)

    @Option(help: "The data directory or postgres:// URL to copy from.") var from: String
    @Option(help: "The data directory or postgres:// URL to copy into (empty).") var to: String
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if Self.isURL(from) == Self.isURL(to) {
            throw ValidationError("one of --from and --to is a data directory, the other a postgres:// URL")
        }
    }

    static func isURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    func run() async throws {
        do {
            let report: EventStoreCopy.Report
            if Self.isURL(from) {
                let source = try await PostgresEventStore.open(url: from)
                let target: EventLog
                do {
                    target = try Self.openTarget(DataDirectory(path: to))
                } catch {
                    await source.close()
                    throw error
                }
                let outcome = await result { try await copy(from: source, to: target, sourceName: Self.redacted(from), targetName: to) }
                await target.close()
                await source.close()
                report = try outcome.get()
            } else {
                let (source, lock) = try Self.openSource(DataDirectory(path: from))
                defer { Glibc.close(lock) }
                let target = try await PostgresEventStore.open(url: to)
                let outcome = await result { try await copy(from: source, to: target, sourceName: from, targetName: Self.redacted(to)) }
                await target.close()
                report = try outcome.get()
            }
            if json {
                let object: [String: Any] = ["events": report.events, "appends": report.appends, "digest": report.digestHex]
                let bytes = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: bytes, as: UTF8.self))
            } else {
                print("copied \(report.events) events in \(report.appends) appends; both stores verify; digest \(report.digestHex)")
            }
        } catch let error as StoreMigrationError {
            throw CommandFailure(error.description)
        } catch let error as LogError {
            throw CommandFailure(error.description)
        }
    }

    private func result<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// `url` without its password, for messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    private func copy(from source: some EventStore, to target: some EventStore, sourceName: String, targetName: String) async throws
        -> EventStoreCopy.Report
    {
        let quiet = json
        return try await EventStoreCopy.copy(
            from: source, to: target, sourceName: sourceName, targetName: targetName,
            progress: { copied, total in
                if !quiet, total > 0 {
                    FileHandle.standardError.write(Data("\rcopied \(copied) of \(total) events".utf8))
                    if copied == total { FileHandle.standardError.write(Data("\n".utf8)) }
                }
            })
    }

    /// The source directory's log, read-only, with a shared lock on its `LOCK` held (returned)
    /// for the copy: a writer (a server) holding it refuses the copy, and none can start meanwhile.
    static func openSource(_ data: DataDirectory) throws -> (EventLog, Int32) {
        guard FileManager.default.fileExists(atPath: data.logLock.path) else {
            throw StoreMigrationError.noSourceLog(path: data.log.path)
        }
        let lock = Glibc.open(data.logLock.path, O_RDONLY | O_CLOEXEC)
        guard lock >= 0 else { throw LogError.io(operation: "open", path: data.logLock.path, errno: errno) }
        guard flock(lock, LOCK_SH | LOCK_NB) == 0 else {
            Glibc.close(lock)
            throw StoreMigrationError.ownedByAnotherProcess(path: data.log.path)
        }
        do {
            return (try EventLog.openReadOnly(directory: data.log), lock)
        } catch {
            Glibc.close(lock)
            throw error
        }
    }

    /// The target directory's log, opened for writing (its exclusive lock refuses a running server).
    static func openTarget(_ data: DataDirectory) throws -> EventLog {
        do {
            return try EventLog.open(directory: data.log)
        } catch .locked {
            throw StoreMigrationError.ownedByAnotherProcess(path: data.log.path)
        }
    }
}
