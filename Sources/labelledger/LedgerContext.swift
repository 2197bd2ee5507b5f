import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingService

/// The pieces of an embedded LabelLedger opened on one data directory, for commands that
/// change data (`import`).
struct LedgerContext {
    let log: EventLog
    let service: DatasetService

    init(_ data: DataDirectoryOptions) throws {
        log = try EventLog.open(directory: data.logDirectory)
        service = DatasetService(log: log, snapshotDirectory: data.directory.snapshots)
    }

    func close() async { await log.close() }
}

/// Whether standard output is a terminal (progress bars) or a pipe/file (plain lines).
var standardOutputIsTerminal: Bool { isatty(1) == 1 }
