import Foundation

/// `../shared/data` beside the repository: real data nobody on the project made
/// (override the location with `LABELLEDGER_SHARED_DATA`).
public enum SharedData {
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["LABELLEDGER_SHARED_DATA"] { return URL(fileURLWithPath: path) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// The repository this file was compiled from.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
