#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Subprocess
import Synchronization
import SystemPackage

/// A child process that ran to its end.
public struct FinishedChild: Sendable, CustomStringConvertible {
    /// The exit status, or the signal number when `killedBySignal`.
    public var status: Int32
    public var killedBySignal: Bool
    public var output: String
    public var errors: String

    public var description: String {
        "\(killedBySignal ? "killed by signal" : "exit status") \(status)\nstdout: \(output)\nstderr: \(errors)"
    }
}

/// What a child process printed before (and while) it was killed.
public struct KilledChild: Sendable {
    public var output: String
    /// False when the child exited by itself before the kill.
    public var killedBySignal: Bool
    public var exitStatus: Int32
}

/// The one way tests start child processes: through swift-subprocess, never Foundation's
/// `Process` (whose spawn scans `/proc/self/fd` and intermittently over-reads in Swift 6.3.1).
///
/// Invariants: both outputs are drained as they arrive (a child never blocks on a full pipe,
/// even when nobody reads what it prints after a point); nothing blocks the cooperative pool.
public final class ChildProcess: @unchecked Sendable {
    /// Where the child's standard error goes.
    public enum ErrorDestination: Sendable {
        case discard
        /// Kept and returned in ``FinishedChild/errors``.
        case collect
        /// Written to this file (created or truncated) as it arrives.
        case file(URL)
    }

    private enum Event: Sendable {
        case started(pid_t)
        case output([UInt8])
    }

    /// The child's process id (it stays valid until ``finish()`` has returned).
    public let pid: pid_t
    private var events: AsyncStream<Event>.Iterator
    private var printed: [UInt8] = []
    private let errors: ErrorSink
    private let ending: Task<TerminationStatus, any Error>
    private let ended: EndedFlag

    private init(
        pid: pid_t, events: AsyncStream<Event>.Iterator, errors: ErrorSink, ending: Task<TerminationStatus, any Error>,
        ended: EndedFlag
    ) {
        self.pid = pid
        self.events = events
        self.errors = errors
        self.ending = ending
        self.ended = ended
    }

    /// Starts `executable` with `arguments` (no shell; the test's environment and directory).
    public static func start(_ executable: URL, arguments: [String], errors: ErrorDestination = .discard) async throws
        -> ChildProcess
    {
        let sink = try ErrorSink(errors)
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        let endedBox = EndedFlag()
        let ending = Task<TerminationStatus, any Error> {
            defer {
                continuation.finish()
                endedBox.set()
                sink.close()
            }
            let result = try await Subprocess.run(
                .path(FilePath(executable.path)), arguments: Arguments(arguments),
                input: .none, output: .sequence, error: .sequence
            ) { execution in
                continuation.yield(.started(execution.processIdentifier.value))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await chunk in execution.standardOutput {
                            continuation.yield(.output(chunk.withUnsafeBytes { Array($0) }))
                        }
                    }
                    group.addTask {
                        for try await chunk in execution.standardError { sink.append(chunk.withUnsafeBytes { Array($0) }) }
                    }
                    try await group.waitForAll()
                }
            }
            return result.terminationStatus
        }
        var events = stream.makeAsyncIterator()
        guard case .started(let pid) = await events.next() else {
            _ = try await ending.value
            throw CocoaError(.executableLoad)
        }
        return ChildProcess(pid: pid, events: events, errors: sink, ending: ending, ended: endedBox)
    }

    /// Everything printed so far on standard output.
    public var output: String { String(decoding: printed, as: UTF8.self) }

    /// Reads standard output until `condition(output so far)` holds or the child closes it;
    /// returns the output so far.
    @discardableResult
    public func read(until condition: (String) -> Bool) async -> String {
        while !condition(output) {
            guard let event = await events.next() else { break }
            if case .output(let bytes) = event { printed += bytes }
        }
        return output
    }

    /// Whether the child has ended (and both its outputs are closed).
    public var hasEnded: Bool { ended.flag.withLock { $0 } }

    /// Sends `signal` to the child.
    public func signal(_ signal: Int32) {
        if !hasEnded { kill(pid, signal) }
    }

    /// Collects the rest of the outputs and waits for the end.
    public func finish() async throws -> FinishedChild {
        await read { _ in false }
        let status = try await ending.value
        let (code, signalled): (Int32, Bool) =
            switch status {
            case .exited(let code): (code, false)
            case .signaled(let signal): (signal, true)
            }
        return FinishedChild(status: code, killedBySignal: signalled, output: output, errors: errors.text)
    }

    /// Runs `executable` to its end and collects both outputs. After `seconds` it is
    /// SIGKILLed (the result then says `killedBySignal`).
    public static func run(_ executable: URL, arguments: [String], seconds: Double = 300) async throws -> FinishedChild {
        try await run(executable, arguments: arguments, signal: nil, when: { _ in false }, seconds: seconds)
    }

    /// Starts `executable`, reads its standard output until `when(output so far)` holds, sends
    /// `signal`, and collects everything until it ends (SIGKILL after `seconds` in all).
    public static func run(
        _ executable: URL, arguments: [String], signal: Int32?, when: @escaping @Sendable (String) -> Bool,
        seconds: Double = 300
    ) async throws -> FinishedChild {
        let child = try await start(executable, arguments: arguments, errors: .collect)
        let watchdog = Task {
            try await Task.sleep(for: .seconds(seconds))
            child.signal(SIGKILL)
        }
        defer { watchdog.cancel() }
        if let signal {
            await child.read(until: when)
            child.signal(signal)
        }
        return try await child.finish()
    }

    /// Starts `executable`, reads its standard output until `killWhen(output so far)` holds
    /// (or the child exits), waits `delayMicroseconds`, SIGKILLs it and collects the rest.
    public static func runAndKill(
        _ executable: URL, arguments: [String], killWhen: @escaping @Sendable (String) -> Bool,
        delayMicroseconds: UInt32
    ) async throws -> KilledChild {
        let child = try await start(executable, arguments: arguments)
        await child.read(until: killWhen)
        if delayMicroseconds > 0 { try await Task.sleep(for: .microseconds(delayMicroseconds)) }
        child.signal(SIGKILL)
        let finished = try await child.finish()
        return KilledChild(output: finished.output, killedBySignal: finished.killedBySignal, exitStatus: finished.status)
    }
}

/// Set once the child has ended, readable from any task.
private final class EndedFlag: Sendable {
    let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
}

/// A child's standard error, collected or written to a file as it arrives.
private final class ErrorSink: Sendable {
    private let collected = Mutex<[UInt8]?>(nil)
    private let file: FileHandle?

    init(_ destination: ChildProcess.ErrorDestination) throws {
        switch destination {
        case .discard: file = nil
        case .collect:
            file = nil
            collected.withLock { $0 = [] }
        case .file(let url):
            FileManager.default.createFile(atPath: url.path, contents: nil)
            file = try FileHandle(forWritingTo: url)
        }
    }

    func append(_ bytes: [UInt8]) {
        collected.withLock { $0?.append(contentsOf: bytes) }
        try? file?.write(contentsOf: bytes)
    }

    func close() { try? file?.close() }

    var text: String { String(decoding: collected.withLock { $0 ?? [] }, as: UTF8.self) }
}
