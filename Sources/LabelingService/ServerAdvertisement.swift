#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A running server's notice in its data directory (`server/serving.json`, see
/// `DATA_DIRECTORY.md`): where it answers and an admin credential for the command line,
/// which sends its writes (`import`, `rebuild`) there instead of taking the writer lock.
///
/// Invariants:
/// - The file is created with mode 0600 (only the directory's owner reads the credential)
///   and replaced atomically (a reader sees a whole notice or none).
/// - ``running(in:)`` answers a notice only while its server can be serving: another
///   process holds the log's lock and the notice's process is alive. A notice left by a
///   server that was killed is stale and ignored.
public struct ServerAdvertisement: Codable, Sendable, Equatable {
    /// The server's process id.
    public var pid: Int32
    /// Its base URL, e.g. `http://127.0.0.1:8080` (the port it bound, also for `--port 0`).
    public var url: String
    /// An admin token valid for this server process only.
    public var token: String

    public init(pid: Int32, url: String, token: String) {
        self.pid = pid
        self.url = url
        self.token = token
    }

    /// Writes the notice (mode 0600, atomically: a temporary file renamed over it).
    public func write(in directory: DataDirectory) throws {
        try FileManager.default.createDirectory(at: directory.server, withIntermediateDirectories: true)
        let target = directory.serverAdvertisement
        let temporary = target.path + ".\(pid).tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
        let bytes = try JSONEncoder().encode(self)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, target.path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
        }
    }

    /// Removes the notice if it is this process's (a newer server's notice stays).
    public static func remove(in directory: DataDirectory, pid: Int32 = getpid()) {
        guard let current = read(in: directory), current.pid == pid else { return }
        unlink(directory.serverAdvertisement.path)
    }

    /// The notice as stored, stale or not; nil when there is none or it cannot be read.
    public static func read(in directory: DataDirectory) -> ServerAdvertisement? {
        guard let data = FileManager.default.contents(atPath: directory.serverAdvertisement.path) else { return nil }
        return try? JSONDecoder().decode(ServerAdvertisement.self, from: data)
    }

    /// The server serving `directory` now, or nil when none does (no notice, or a stale one:
    /// the log's lock is free, or the notice's process is gone).
    public static func running(in directory: DataDirectory) -> ServerAdvertisement? {
        guard let notice = read(in: directory), notice.pid != getpid() else { return nil }
        guard isLogLockHeld(directory), kill(notice.pid, 0) == 0 || errno == EPERM else { return nil }
        return notice
    }

    /// True when another process holds the log's lock (a shared lock cannot be taken).
    static func isLogLockHeld(_ directory: DataDirectory) -> Bool {
        let fd = open(directory.logLock.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }
}
