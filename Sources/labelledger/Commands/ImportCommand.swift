import ArgumentParser
import DatasetInterchange
import Foundation
import LabelLedgerCommandLine
import LabelingDomain
import LabelingService
import LedgerComposition

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import samples and labels from a ModelArts manifest or an image folder.",
        discussion: """
            SOURCE is a manifest (JSON Lines; detection boxes through Pascal VOC files) or a folder \
            (label/x.jpg, x.jpg + x.txt, x.jpg + x.xml, or images alone). Every problem is listed \
            with its file and line. The import is all or nothing — one atomic append of as many \
            events as its size needs, whole or absent even across a crash — unless --partial. \
            With --create the dataset is created first (its labels: --labels, or every label the \
            source uses). See Sources/DatasetInterchange/FORMATS.md.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The dataset id (the API's, with --project; with --create, a new id of your choice).") var dataset: String
    @OptionGroup var project: ProjectOption
    @Argument(help: "A manifest file or an image folder.") var source: String
    @Flag(help: "Check everything and list every problem; write nothing.") var dryRun = false
    @Flag(help: "Import the good samples and report the rest.") var partial = false
    @Flag(help: "Create the dataset if it does not exist.") var create = false
    @Option(help: "With --create: classification or detection.") var type: String = "classification"
    @Option(help: "With --create: comma-separated label names (default: the labels the source uses).")
    var labels: String?
    @Option(help: "Recorded as the actor of the import.") var actor = "import"

    func run() async throws {
        let job = ImportJob(
            source: URL(fileURLWithPath: source), dataset: project.dataset(dataset), actor: actor, dryRun: dryRun,
            partial: partial,
            creation: create
                ? ImportJob.Creation(typeCode: type.hasPrefix("detect") ? 1 : 0, labels: labels.map { $0.split(separator: ",").map(String.init) })
                : nil)
        let output = ImportOutput(terminal: standardOutputIsTerminal, partial: partial)
        if let server = ServerAdvertisement.running(in: data.directory) {
            try await run(job, through: server, output: output)
            return
        }
        let context = try LedgerContext(data)
        let report: ImportReport
        do {
            report = try await job.run(service: context.service) { output.show($0) }
        } catch {
            await context.close()
            if case let .importRefused(problems) = error { throw output.refused(problems.map(\.description), error.description) }
            throw CommandFailure(error.description)
        }
        await context.close()
        try output.finish(
            accepted: report.accepted, problems: report.problems.map(\.description),
            positions: report.append.map { ($0.firstPosition, $0.lastPosition) }, dryRun: report.dryRun)
    }

    /// The same import, run by the server that holds the data directory; the same output.
    private func run(_ job: ImportJob, through server: ServerAdvertisement, output: ImportOutput) async throws {
        FileHandle.standardError.write(Data("importing through the server at \(server.url), which holds \(data.directory)\n".utf8))
        let request = AdminImportRequest(
            source: job.source.path, dataset: job.dataset.rawValue, actor: job.actor, dry_run: job.dryRun, partial: job.partial,
            create_type: job.creation?.typeCode, labels: job.creation?.labels)
        let outcome = try await ServerClient(server: server).post("/admin/import", body: request) { record in
            switch record {
            case let .progress(done, total): output.show(.progress(done: done, total: total))
            case let .appending(count): output.show(.appending(count: count))
            default: break
            }
        }
        switch outcome {
        case let .imported(accepted, problems, first, last, dryRun):
            let positions = first.flatMap { first in last.map { (first, $0) } }
            try output.finish(accepted: accepted, problems: problems.map(\.text), positions: positions, dryRun: dryRun)
        case let .failed(code, message, problems) where code == InterchangeError.importRefused([]).code:
            throw output.refused(problems.map(\.text), "[\(code)] \(message)")
        case let .failed(code, message, _):
            throw CommandFailure("[\(code)] \(message)")
        default:
            throw CommandFailure("the server at \(server.url) answered the import with \(outcome)")
        }
    }
}

/// The body of `POST /admin/import` (see openapi.yaml).
struct AdminImportRequest: Encodable {
    var source: String
    var dataset: String
    var actor: String
    var dry_run: Bool
    var partial: Bool
    var create_type: Int?
    var labels: [String]?
}

extension AdminStreamRecord.Problem {
    /// As ``DatasetInterchange/ImportProblem`` prints it.
    var text: String { ImportProblem(file: file, line: line, code: code, message: message).description }
}

/// What `import` prints, whether it runs the import itself or a server runs it: a progress
/// bar on a terminal, the commit line, every problem, then the summary; exit status 1 when
/// problems stop (or would stop) the import.
struct ImportOutput: Sendable {
    let terminal: Bool
    let partial: Bool

    func show(_ event: ImportJob.Event) {
        switch event {
        case let .progress(done, total):
            if terminal, done == total || done % 100 == 0 {
                let width = 30
                let filled = total == 0 ? width : done * width / total
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardOutput.write(Data("\r[\(bar)] \(done)/\(total) images\(done == total ? "\n" : "")".utf8))
            }
        case let .appending(count):
            FileHandle.standardOutput.write(Data("appending \(count) sample(s) in one atomic commit group\n".utf8))
        }
    }

    func finish(accepted: Int, problems: [String], positions: (UInt64, UInt64)?, dryRun: Bool) throws {
        for problem in problems { print(problem) }
        if dryRun {
            print("dry run: \(accepted) sample(s) would be imported, \(problems.count) problem(s)")
        } else if let (first, last) = positions {
            print("imported \(accepted) sample(s) at positions \(first)...\(last); \(problems.count) problem(s) skipped")
        } else {
            print("nothing imported; \(problems.count) problem(s)")
        }
        if !problems.isEmpty, dryRun || !partial { throw ExitCode(1) }
    }

    /// Prints the problems of a refused import; the error to exit with.
    func refused(_ problems: [String], _ description: String) -> CommandFailure {
        for problem in problems { print(problem) }
        return CommandFailure(description)
    }
}
