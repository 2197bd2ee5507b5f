#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What a child process printed before (and while) it was killed.
public struct KilledChild: Sendable {
    public var output: String
    /// False when the child exited by itself before the kill.
    public var killedBySignal: Bool
    public var exitStatus: Int32
}

/// Crash tests' child processes, driven off the cooperative pool (see ``Blocking``).
public enum ChildProcess {
    /// Starts `executable`, reads its standard output until `killWhen(output so far)` holds
    /// (or the child exits), waits `delayMicroseconds`, SIGKILLs it and collects the rest.
    public static func runAndKill(
        _ executable: URL, arguments: [String], killWhen: @escaping @Sendable (String) -> Bool,
        delayMicroseconds: UInt32
    ) async throws -> KilledChild {
        try await Blocking.run {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let reader = pipe.fileHandleForReading
            var output = Data()
            while !killWhen(String(decoding: output, as: UTF8.self)) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                output.append(chunk)
            }
            if delayMicroseconds > 0 { usleep(delayMicroseconds) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            output.append(reader.readDataToEndOfFile())
            return KilledChild(
                output: String(decoding: output, as: UTF8.self), killedBySignal: process.terminationReason == .uncaughtSignal,
                exitStatus: process.terminationStatus)
        }
    }
}
