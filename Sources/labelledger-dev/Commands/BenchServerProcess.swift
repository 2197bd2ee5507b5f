#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LabelingService
import Subprocess
import SystemPackage

/// A real `labelledger serve` child process on a data directory, for `bench http`: the
/// server measured is the one an operator runs, alone in its process, so its memory (read
/// from `/proc/<pid>/status`) is the server's and nothing else's.
///
/// Invariants:
/// - ``run(executable:data:port:log:_:)`` returns only after the child has exited: the body
///   runs once the child advertises itself in the data directory (`server/serving.json`,
///   which it writes when it listens), then the child gets SIGTERM (a graceful stop that
///   finishes requests in flight; SIGKILL after `stopSeconds`), also when the body throws.
/// - The child runs without the auto-labeling reactor; its standard error goes to `log`.
struct BenchServerProcess: Sendable {
    /// Resident memory of the process now and at its peak, in bytes.
    struct Memory: Sendable {
        var resident: Int
        var peak: Int
    }

    enum Failure: Error, CustomStringConvertible {
        case exited(String)
        case notListening(seconds: Int, log: String)

        var description: String {
            switch self {
            case .exited(let log): "the server exited before it listened (its log: \(log))"
            case .notListening(let seconds, let log): "the server did not listen within \(seconds) s (its log: \(log))"
            }
        }
    }

    let pid: pid_t
    /// The base URL it advertised, e.g. `http://127.0.0.1:18181`.
    let url: String
    /// The admin token it advertised (valid for this process only).
    let token: String

    /// `VmRSS` and `VmHWM` of the process, or nil once it is gone.
    func memory() -> Memory? { Self.memory(of: pid) }

    /// `VmRSS` and `VmHWM` from `/proc/<pid>/status`.
    static func memory(of pid: pid_t) -> Memory? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Int? {
            status.split(separator: "\n").first { $0.hasPrefix(key + ":") }
                .flatMap { Int($0.dropFirst(key.count + 1).filter(\.isNumber)) }
        }
        guard let resident = kilobytes("VmRSS"), let peak = kilobytes("VmHWM") else { return nil }
        return Memory(resident: resident * 1024, peak: peak * 1024)
    }

    /// True while `pid` runs (a zombie, exited but not reaped, counts as gone).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// Starts `executable serve --data <data> --port <port> --no-reactor`, waits (at most
    /// `startSeconds`) until it advertises itself, runs `body`, then stops it with SIGTERM
    /// and waits for it to exit.
    static func run<T: Sendable>(
        executable: URL, data: URL, port: Int, log: URL, startSeconds: Int = 600, stopSeconds: Int = 30,
        _ body: @Sendable (BenchServerProcess) async throws -> T
    ) async throws -> T {
        let fd = try FileDescriptor.open(
            FilePath(log.path), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        let directory = DataDirectory(data)
        let result = try await Subprocess.run(
            .path(FilePath(executable.path)),
            arguments: Arguments(["serve", "--data", data.path, "--port", "\(port)", "--no-reactor"]),
            input: .none, output: .discarded, error: .fileDescriptor(fd, closeAfterSpawningProcess: true)
        ) { execution async throws -> T in
            let pid = execution.processIdentifier.value
            do {
                let deadline = ContinuousClock.now + .seconds(startSeconds)
                var notice = ServerAdvertisement.running(in: directory)
                while notice?.pid != pid {
                    guard isRunning(pid) else { throw Failure.exited(log.path) }
                    guard ContinuousClock.now < deadline else { throw Failure.notListening(seconds: startSeconds, log: log.path) }
                    try await Task.sleep(for: .milliseconds(50))
                    notice = ServerAdvertisement.running(in: directory)
                }
                let server = BenchServerProcess(pid: pid, url: notice!.url, token: notice!.token)
                let value = try await body(server)
                try await stop(pid, { try? execution.send(signal: $0) }, graceSeconds: stopSeconds)
                return value
            } catch {
                try? await stop(pid, { try? execution.send(signal: $0) }, graceSeconds: stopSeconds)
                throw error
            }
        }
        return result.closureResult
    }

    /// SIGTERM, then SIGKILL when the process still runs after `graceSeconds` (a graceful
    /// stop waits for every request in flight, and an as-of read can take minutes; the data
    /// directory is crash-safe either way).
    private static func stop(
        _ pid: pid_t, _ send: (Signal) -> Void, graceSeconds: Int
    ) async throws {
        send(.terminate)
        let deadline = ContinuousClock.now + .seconds(graceSeconds)
        while isRunning(pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if isRunning(pid) {
            FileHandle.standardError.write(Data("bench: the server was still stopping after \(graceSeconds) s; killed\n".utf8))
            send(.kill)
        }
    }
}
