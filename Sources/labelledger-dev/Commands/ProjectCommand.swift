import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import Projections

/// A test child: applies the log to the projections in small transactions and exits. The
/// checkpoint crash test SIGKILLs it mid-way and checks that nothing was applied twice
/// or skipped.
struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "Catch the projections up with the log (test child).")

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Events per transaction.") var batch = 10_000

    func run() async throws {
        let log = try EventLog.open(directory: data.logDirectory)
        let store = try ProjectionStore.open(directory: data.projectionDirectory)
        let projector = Projector(log: log, store: store, batchSize: batch)
        print("STARTED \(try await projector.checkpoint())")
        fflush(nil)
        let checkpoint = try await projector.catchUp()
        print("DONE \(checkpoint)")
        await log.close()
    }
}
