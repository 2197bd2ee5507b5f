import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import Projections

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild projections from position 0 and swap them in atomically.",
        discussion: """
            Builds a new database for each projection beside the live one (large transactions), \
            catches it up to the head, then switches to it with an atomic rename; readers of the \
            old database keep being answered until they finish. Shows a progress bar with events/s \
            and ETA on a terminal, plain lines otherwise. Needs the log: run it while no server \
            holds the data directory (a server rebuilds in-process on a code-version change).
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Only this projection (\(ProjectionKind.allCases.map(\.rawValue).joined(separator: ", "))).")
    var projection: String?

    func run() async throws {
        var kinds = ProjectionKind.allCases
        if let projection {
            guard let kind = ProjectionKind(rawValue: projection) else {
                throw ValidationError(ProjectionError.unknownProjection(projection).message)
            }
            kinds = [kind]
        }
        let log = try EventLog.open(directory: data.logDirectory)
        let store = try ProjectionStore.open(directory: data.projectionDirectory)
        let projector = Projector(log: log, store: store)
        let printer = ProgressPrinter()
        let report = try await projector.rebuild(kinds) { printer.report($0) }
        for kind in kinds {
            print("rebuilt \(kind) (code version \(kind.codeVersion)) → generation \(report.generations[kind] ?? 0) at position \(report.checkpoint)")
        }
        print(String(format: "%llu events in %.2f s (%.0f events/s)", report.events, report.elapsed.secondsValue, report.eventsPerSecond))
        await log.close()
    }
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
