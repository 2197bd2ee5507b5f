#if canImport(Glibc)
import Glibc
#endif
import Foundation

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

extension ChildProcess {
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
        try await Blocking.run {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let output = Pipe()
            let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("child-stderr-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: errorFile) }
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: errorFile)
            let ended = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in ended.signal() }
            try process.run()
            let watchdog = DispatchWorkItem { kill(process.processIdentifier, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
            var printed = Data()
            if let signal {
                while !when(String(decoding: printed, as: UTF8.self)) {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    printed.append(chunk)
                }
                kill(process.processIdentifier, signal)
            }
            printed.append(output.fileHandleForReading.readDataToEndOfFile())
            ended.wait()
            watchdog.cancel()
            return FinishedChild(
                status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
                output: String(decoding: printed, as: UTF8.self),
                errors: String(decoding: (try? Data(contentsOf: errorFile)) ?? Data(), as: UTF8.self))
        }
    }
}
