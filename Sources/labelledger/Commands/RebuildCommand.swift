import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingService
import LedgerComposition
import Projections

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild projections from position 0 and swap them in atomically.",
        discussion: """
            Builds a new database for each projection beside the live one (large transactions), \
            catches it up to the head, then switches to it with an atomic rename; readers of the \
            old database keep being answered until they finish. Shows a progress bar with events/s \
            and ETA on a terminal, plain lines otherwise. While a server serves the data \
            directory, the server does the rebuild (zero downtime: it keeps answering from the old \
            databases until the swap) and this command shows its progress.
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
        if let server = ServerAdvertisement.running(in: data.directory) {
            try await rebuild(kinds, through: server)
            return
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

    /// The same rebuild, run by the server that holds the data directory; the same output.
    private func rebuild(_ kinds: [ProjectionKind], through server: ServerAdvertisement) async throws {
        FileHandle.standardError.write(Data("rebuilding through the server at \(server.url), which holds \(data.directory)\n".utf8))
        let printer = ProgressPrinter()
        let outcome = try await ServerClient(server: server).post(
            "/admin/rebuild", body: ["projections": kinds.map(\.rawValue)]
        ) { record in
            guard case let .rebuildProgress(names, applied, target, elapsed) = record else { return }
            printer.report(RebuildProgress(
                projections: names.compactMap(ProjectionKind.init(rawValue:)), applied: applied, target: target,
                elapsed: .seconds(elapsed)))
        }
        switch outcome {
        case let .rebuilt(projections, checkpoint, events, elapsed):
            for projection in projections {
                print("rebuilt \(projection.name) (code version \(projection.codeVersion)) → generation \(projection.generation) at position \(checkpoint)")
            }
            print(String(format: "%llu events in %.2f s (%.0f events/s)", events, elapsed, elapsed > 0 ? Double(events) / elapsed : 0))
        case let .failed(code, message, _):
            throw CommandFailure("[\(code)] \(message)")
        default:
            throw CommandFailure("the server at \(server.url) answered the rebuild with \(outcome)")
        }
    }
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
