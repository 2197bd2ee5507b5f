import Foundation
import Subprocess
import SystemPackage

/// Runs a system tool (`gzip`, `wrk`) to its end through swift-subprocess (not Foundation's
/// `Process`): its standard output is returned, its standard error passes through to ours.
enum ToolRun {
    /// The tool's standard output, or nil when it did not exit with status 0.
    static func output(of path: String, _ arguments: [String]) async throws -> Data? {
        let result = try await Subprocess.run(
            .path(FilePath(path)), arguments: Arguments(arguments), output: .bytes(limit: 1 << 30), error: .currentStandardError)
        return result.terminationStatus.isSuccess ? Data(result.standardOutput) : nil
    }
}
