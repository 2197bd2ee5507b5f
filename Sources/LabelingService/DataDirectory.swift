import Foundation

/// The one owner of a LabelLedger data directory's layout: every command, the server and the
/// reactor find their files through it, and nothing else spells a path inside the directory.
/// The layout is documented in `Sources/LabelingService/DATA_DIRECTORY.md`.
///
/// Invariants: the paths are pure functions of ``url`` (no I/O until ``create()``); one
/// process writes (the holder of the log's `LOCK`), any number read.
///
/// ```swift
/// let data = DataDirectory(URL(fileURLWithPath: "./labelledger-data"))
/// let log = try EventLog.open(directory: data.log)
/// ```
public struct DataDirectory: Sendable, Hashable, CustomStringConvertible {
    /// The directory itself (standardized).
    public let url: URL

    public init(_ url: URL) {
        self.url = url.standardizedFileURL
    }

    public init(path: String) {
        self.init(URL(fileURLWithPath: path))
    }

    public var description: String { url.path }

    /// `log/`: the event log (segments, `index.sqlite`, `LOCK`; see `Sources/EventLog/FORMAT.md`).
    public var log: URL { url.appendingPathComponent("log", isDirectory: true) }
    /// `log/LOCK`: held exclusively by the one writer; readers may take it shared.
    public var logLock: URL { log.appendingPathComponent("LOCK") }
    /// `snapshots/`: domain snapshots of datasets (a cache: deleting it loses nothing).
    public var snapshots: URL { url.appendingPathComponent("snapshots", isDirectory: true) }
    /// `projections/`: the SQLite read models (rebuilt from the log at any time).
    public var projections: URL { url.appendingPathComponent("projections", isDirectory: true) }
    /// `reactor/`: the auto-labeling reactor's state.
    public var reactor: URL { url.appendingPathComponent("reactor", isDirectory: true) }
    /// `reactor/checkpoint`: the last log position whose auto-labeling effects are complete.
    public var reactorCheckpoint: URL { reactor.appendingPathComponent("checkpoint") }
    /// `images/`: images received as bytes (API `data`), named by their content's SHA-256.
    public var images: URL { url.appendingPathComponent("images", isDirectory: true) }
    /// `server/`: the HTTP server's own state (not derived from the log).
    public var server: URL { url.appendingPathComponent("server", isDirectory: true) }
    /// `server/tokens.sqlite`: API tokens, stored as SHA-256 hashes.
    public var tokens: URL { server.appendingPathComponent("tokens.sqlite") }
    /// `server/idempotency.sqlite`: the first answer to each `Idempotency-Key`.
    public var idempotency: URL { server.appendingPathComponent("idempotency.sqlite") }
    /// `server/serving.json`: where the running server listens and its admin credential, for
    /// the command line's writes (mode 0600; removed at a clean shutdown).
    public var serverAdvertisement: URL { server.appendingPathComponent("serving.json") }

    /// Creates the directory (and its parents) if missing.
    public func create() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
}
