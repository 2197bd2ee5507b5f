import ArgumentParser
import Foundation

/// Where LabelLedger keeps everything: `<data>/log` (the event log) and
/// `<data>/projections` (the SQLite read models). Shared by every subcommand of
/// `labelledger` and `labelledger-dev`.
public struct DataDirectoryOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("data"), help: "The data directory (created if missing).")
    public var path: String = "./labelledger-data"

    public init() {}

    public var url: URL { URL(fileURLWithPath: path).standardizedFileURL }
    public var logDirectory: URL { url.appendingPathComponent("log") }
    /// `<data>/projections`: the SQLite read models.
    public var projectionDirectory: URL { url.appendingPathComponent("projections") }
}
