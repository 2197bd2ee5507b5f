import ArgumentParser
import DatasetInterchange
import Foundation
import LabelLedgerCommandLine
import LabelingDomain
import LabelingService

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
    @Option(help: "The dataset id.") var dataset: String
    @Argument(help: "A manifest file or an image folder.") var source: String
    @Flag(help: "Check everything and list every problem; write nothing.") var dryRun = false
    @Flag(help: "Import the good samples and report the rest.") var partial = false
    @Flag(help: "Create the dataset if it does not exist.") var create = false
    @Option(help: "With --create: classification or detection.") var type: String = "classification"
    @Option(help: "With --create: comma-separated label names (default: the labels the source uses).")
    var labels: String?
    @Option(help: "Recorded as the actor of the import.") var actor = "import"

    func run() async throws {
        let context = try LedgerContext(data)
        let id = DatasetID(dataset)
        let sourceURL = URL(fileURLWithPath: source).standardizedFileURL
        do {
            if create, try await context.service.state(of: id) == nil {
                let names = try labels.map { $0.split(separator: ",").map(String.init) }
                    ?? Array(Set(DatasetImporter.read(sourceURL).entries.flatMap { $0.labels.map(\.name) })).sorted()
                _ = try await context.service.execute(
                    .createDataset(
                        id: id, name: dataset, typeCode: type.hasPrefix("detect") ? 1 : 0,
                        labels: names.enumerated().map { LabelDefinition(name: $1, color: Self.color($0)) },
                        description: "imported from \(sourceURL.lastPathComponent)", by: actor, at: Instant(Date())),
                    on: id, actor: actor)
            }
            let terminal = standardOutputIsTerminal
            let report = try await DatasetImporter(service: context.service).run(
                source: sourceURL, into: id, actor: actor, dryRun: dryRun, partial: partial,
                progress: { done, total in
                    if terminal, done == total || done % 100 == 0 {
                        let width = 30
                        let filled = total == 0 ? width : done * width / total
                        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                        FileHandle.standardOutput.write(Data("\r[\(bar)] \(done)/\(total) images\(done == total ? "\n" : "")".utf8))
                    }
                },
                appending: { count in
                    FileHandle.standardOutput.write(Data("appending \(count) sample(s) in one atomic commit group\n".utf8))
                })
            for problem in report.problems { print(problem) }
            if report.dryRun {
                print("dry run: \(report.accepted) sample(s) would be imported, \(report.problems.count) problem(s)")
            } else if let append = report.append {
                print("imported \(report.accepted) sample(s) at positions \(append.firstPosition)...\(append.lastPosition); \(report.problems.count) problem(s) skipped")
            } else {
                print("nothing imported; \(report.problems.count) problem(s)")
            }
            await context.close()
            if !report.problems.isEmpty, report.dryRun || !partial { throw ExitCode(1) }
        } catch let error as InterchangeError {
            if case let .importRefused(problems) = error {
                for problem in problems { print(problem) }
            }
            await context.close()
            throw CommandFailure(error.description)
        }
    }

    static func color(_ index: Int) -> String {
        let palette = ["#E6194B", "#3CB44B", "#FFE119", "#4363D8", "#F58231", "#911EB4", "#46F0F0", "#F032E6", "#BCF60C", "#FABEBE"]
        return palette[index % palette.count]
    }
}
