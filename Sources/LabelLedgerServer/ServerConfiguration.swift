import Foundation

/// How `labelledger serve` runs.
public struct ServerConfiguration: Sendable {
    /// Everything lives here: `log/`, `projections/`, `snapshots/`, `reactor/`, `server/`, `images/`.
    public var dataDirectory: URL
    public var host: String
    public var port: Int
    /// Samples given by `source` path must resolve (symlinks followed) inside one of these.
    public var dataRoots: [URL]
    /// Largest request body (base64 images included); larger requests get 413.
    public var maxBodyBytes: Int
    /// Run the auto-labeling reactor in this process.
    public var runReactor: Bool
    public var reactorWorkers: Int

    public init(
        dataDirectory: URL, host: String = "127.0.0.1", port: Int = 8080, dataRoots: [URL] = [],
        maxBodyBytes: Int = 32 << 20, runReactor: Bool = true, reactorWorkers: Int = 1
    ) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.dataRoots = dataRoots
        self.maxBodyBytes = maxBodyBytes
        self.runReactor = runReactor
        self.reactorWorkers = reactorWorkers
    }

    var imageDirectory: URL { dataDirectory.appendingPathComponent("images") }
}
