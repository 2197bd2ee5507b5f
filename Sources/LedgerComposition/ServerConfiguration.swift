import Foundation
import LabelingService

/// How `labelledger serve` runs.
public struct ServerConfiguration: Sendable {
    /// Everything lives here, laid out as ``directory`` says.
    public var dataDirectory: URL
    public var host: String
    public var port: Int
    /// Samples given by `source` path must resolve (symlinks followed) inside one of these.
    public var dataRoots: [URL]
    /// Largest request body (base64 images included); larger requests get 413.
    public var maxBodyBytes: Int
    /// Most samples one request may name (adding, labeling, confirming, rejecting, deleting,
    /// hard marks); more get 413 `LabelLedger.API.4322` before any of them is looked at.
    public var maxSamplesPerRequest: Int
    /// Most labels one request may carry over all its samples; more get 413
    /// `LabelLedger.API.4323`.
    public var maxLabelsPerRequest: Int
    /// A connection with no request in progress for this long is closed.
    public var idleTimeout: Duration
    /// Run the auto-labeling reactor in this process.
    public var runReactor: Bool
    public var reactorWorkers: Int
    /// The shared event store (`postgres://…`, see `PostgresStoreAddress`); nil: the
    /// embedded log in ``dataDirectory``.
    public var storeURL: String?

    public init(
        dataDirectory: URL, host: String = "127.0.0.1", port: Int = 8080, dataRoots: [URL] = [],
        maxBodyBytes: Int = 32 << 20, maxSamplesPerRequest: Int = 10_000, maxLabelsPerRequest: Int = 100_000,
        idleTimeout: Duration = .seconds(60), runReactor: Bool = true, reactorWorkers: Int = 1, storeURL: String? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.dataRoots = dataRoots
        self.maxBodyBytes = maxBodyBytes
        self.maxSamplesPerRequest = maxSamplesPerRequest
        self.maxLabelsPerRequest = maxLabelsPerRequest
        self.idleTimeout = idleTimeout
        self.runReactor = runReactor
        self.reactorWorkers = reactorWorkers
        self.storeURL = storeURL
    }

    /// The data directory's layout: its one owner (``LabelingService/DataDirectory``).
    public var directory: DataDirectory { DataDirectory(dataDirectory) }

    /// Where images received as bytes are stored (``LabelingService/DataDirectory/images``).
    public var imageDirectory: URL { directory.images }
}
