import Foundation
import Synchronization

/// The PostgreSQL server the tests use: the one `LABELLEDGER_TEST_POSTGRES_URL` names (what
/// `Tools/test` and `.ci/run` start), else a throw-away cluster this test process starts itself
/// — `initdb` and `pg_ctl` as real child processes in a temporary directory, listening only on a
/// unix socket there — so `swift test` alone runs the PostgreSQL cases too.
///
/// Invariants:
/// - Started at most once per process; every caller gets the same server.
/// - A cluster this process started is stopped (`pg_ctl stop -m immediate`) and its directory
///   removed by a watchdog child once this process is gone, however it ended.
/// - When there is no server and none can be started (no `initdb`; root without a `postgres`
///   user), ``baseURL()`` says why: a PostgreSQL case then cancels itself with that reason
///   (reported as skipped), it never passes without running.
public enum PostgresTestServer {
    /// The environment variable naming a server for the tests (a `postgres://` URL, no schema).
    public static let environmentVariable = "LABELLEDGER_TEST_POSTGRES_URL"

    private static let started = Mutex<Task<Result<String, Unavailable>, Never>?>(nil)

    /// Why there is no PostgreSQL server for the tests.
    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        public var reason: String
        public var description: String { "PostgreSQL is not available to the tests: \(reason)" }
    }

    /// The server's URL (without a `schema`), starting a cluster on first use when the
    /// environment names none.
    public static func baseURL() async -> Result<String, Unavailable> {
        if let url = ProcessInfo.processInfo.environment[environmentVariable], !url.isEmpty { return .success(url) }
        let task = started.withLock { task in
            if let task { return task }
            let new = Task { await startCluster() }
            task = new
            return new
        }
        return await task.value
    }

    /// `baseURL` with `schema=<name>` added: a store of its own on the shared server.
    public static func url(_ base: String, schema: String) -> String {
        base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
    }

    /// A fresh schema name for one test: `t_` and 16 random hex digits.
    public static func freshSchema() -> String {
        "t_" + String(format: "%016llx", UInt64.random(in: 0...UInt64.max))
    }

    // MARK: - Starting a cluster

    private static func startCluster() async -> Result<String, Unavailable> {
        guard let bin = binDirectory() else {
            return .failure(Unavailable(reason:
                "no initdb (install Debian's postgresql package, or set \(environmentVariable) to a postgres:// URL)"))
        }
        // PostgreSQL refuses to run as root: run it as the `postgres` user the package creates.
        var prefix: [String] = []
        var owner: String?
        if getuid() == 0 {
            guard getpwnam("postgres") != nil, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else {
                return .failure(Unavailable(reason: "running as root, and there is no postgres user or no runuser to start it as"))
            }
            prefix = ["/usr/sbin/runuser", "-u", "postgres", "--"]
            owner = "postgres"
        }
        let root = URL(fileURLWithPath: "/tmp").appendingPathComponent("labelledger-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let data = root.appendingPathComponent("data")
        let socket = root.appendingPathComponent("socket")
        do {
            for directory in [root, socket] {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                var attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o700]
                if let owner { attributes[.ownerAccountName] = owner }
                try FileManager.default.setAttributes(attributes, ofItemAtPath: directory.path)
            }
            let initdb = try await run(prefix + [
                bin + "/initdb", "-D", data.path, "-U", "labelledger", "--auth=trust", "-E", "UTF8", "--no-sync",
            ])
            guard initdb.status == 0, !initdb.killedBySignal else {
                return .failure(Unavailable(reason: "initdb failed: \(initdb)"))
            }
            // Throw-away data: no fsync (the tests check logic, not the disk); only the unix socket.
            let options = "-k \(socket.path) -c listen_addresses='' -c fsync=off -c max_connections=200"
            let start = try await run(prefix + [
                bin + "/pg_ctl", "-D", data.path, "-l", root.appendingPathComponent("server.log").path, "-w", "-t", "60",
                "-o", options, "start",
            ])
            guard start.status == 0, !start.killedBySignal else {
                let log = (try? String(contentsOf: root.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
                return .failure(Unavailable(reason: "pg_ctl start failed: \(start)\n\(log.suffix(2000))"))
            }
        } catch {
            return .failure(Unavailable(reason: "could not start a cluster in \(root.path): \(error)"))
        }
        // Stops the cluster and removes its directory once this process is gone.
        let stop = (prefix + [bin + "/pg_ctl", "-D", data.path, "-m", "immediate", "stop"]).map(shellQuoted).joined(separator: " ")
        let script = "exec </dev/null >/dev/null 2>&1; while kill -0 \(getpid()); do sleep 1; done; \(stop); rm -rf \(shellQuoted(root.path))"
        if let watchdog = try? await ChildProcess.start(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script]) {
            watchdogs.withLock { $0.append(watchdog) }
        }
        return .success("postgres://labelledger@/postgres?host=\(socket.path)")
    }

    private static let watchdogs = Mutex<[ChildProcess]>([])

    private static func run(_ command: [String]) async throws -> FinishedChild {
        try await ChildProcess.run(URL(fileURLWithPath: command[0]), arguments: Array(command.dropFirst()), seconds: 120)
    }

    /// The directory holding `initdb` and `pg_ctl`: Debian's newest version, else the PATH's.
    private static func binDirectory() -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb") { return bin }
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let initdb = "\(directory)/initdb"
            if FileManager.default.isExecutableFile(atPath: initdb) {
                return URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
            }
        }
        return nil
    }

    private static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
