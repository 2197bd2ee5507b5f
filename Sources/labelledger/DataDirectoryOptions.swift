import ArgumentParser
import Foundation

/// Where LabelLedger keeps everything: `<data>/log` (the event log) and, later, the
/// projections. Shared by every subcommand.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "The data directory (created if missing).")
    var path: String = "./labelledger-data"

    var url: URL { URL(fileURLWithPath: path).standardizedFileURL }
    var logDirectory: URL { url.appendingPathComponent("log") }
}
