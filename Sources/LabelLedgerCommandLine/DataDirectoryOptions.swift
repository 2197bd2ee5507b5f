import ArgumentParser
import Foundation
import LabelingService

/// The `--data DIR` option every subcommand of `labelledger` and `labelledger-dev` shares; it
/// hands out the ``LabelingService/DataDirectory`` that owns the directory's layout.
public struct DataDirectoryOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("data"), help: "The data directory (created if missing).")
    public var path: String = "./labelledger-data"

    public init() {}

    /// The data directory named by `--data`.
    public var directory: DataDirectory { DataDirectory(path: path) }
    public var url: URL { directory.url }
    /// `<data>/log`: the event log.
    public var logDirectory: URL { directory.log }
    /// `<data>/projections`: the SQLite read models.
    public var projectionDirectory: URL { directory.projections }
}
