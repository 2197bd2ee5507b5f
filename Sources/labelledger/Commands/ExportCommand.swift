import ArgumentParser
import DatasetInterchange
import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingDomain
import LabelingService

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a dataset as a ModelArts manifest, COCO or Pascal VOC, as of any moment.",
        discussion: """
            The same dataset at the same --as-of-position always gives byte-identical files. \
            OUT is a file for manifest and coco, a folder for voc. See \
            Sources/DatasetInterchange/FORMATS.md.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The dataset id (the API's, with --project).") var dataset: String
    @OptionGroup var project: ProjectOption
    @Option(help: "manifest, coco or voc.") var format: String = "manifest"
    @Argument(help: "The output file (manifest, coco) or folder (voc).") var out: String
    @Option(help: "Only samples in this state: labeled, unlabeled, toBeConfirmed (repeatable).") var state: [String] = []
    @Flag(help: "Only hard examples.") var hardOnly = false
    @Option(help: "Only samples with this label.") var label: String?
    @Flag(help: "Leave out hard-example attributes (manifest).") var clearHard = false
    @Option(help: "Export the dataset as it was at this log position.") var asOfPosition: UInt64?
    @Option(help: "Export the dataset as it was at this time (ISO 8601, e.g. 2026-11-24T08:00:00Z).") var asOfTime: String?
    @Option(help: "Write sources relative to this folder.") var relativeTo: String?

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else {
            throw ValidationError("format must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if asOfPosition != nil, asOfTime != nil { throw ValidationError("give --as-of-position or --as-of-time, not both") }
        for s in state where Self.state(s) == nil {
            throw ValidationError("state '\(s)' is not labeled, unlabeled or toBeConfirmed")
        }
    }

    static func state(_ text: String) -> SampleState? {
        switch text.lowercased() {
        case "labeled", "__all__": .labeled
        case "unlabeled", "__none__": .unlabeled
        case "tobeconfirmed", "to-be-confirmed", "__auto_annotation__": .toBeConfirmed
        default: nil
        }
    }

    /// Opens the log read-only (no writer lock), so it runs beside `labelledger serve`.
    func run() async throws {
        try export(EventLog.openReadOnly(directory: data.logDirectory))
    }

    private func export(_ log: EventLog) throws {
        var position = asOfPosition
        if let asOfTime {
            guard let date = ISO8601DateFormatter().date(from: asOfTime) else {
                throw ValidationError("--as-of-time '\(asOfTime)' is not ISO 8601 (e.g. 2026-11-24T08:00:00Z)")
            }
            do { position = try log.position(at: date) } catch { throw CommandFailure("\(error)") }
        }
        do {
            let snapshot = try DatasetAtPosition.replay(project.dataset(dataset), log: log, upTo: position)
            let filter = ExportFilter(
                states: state.isEmpty ? nil : Set(state.compactMap(Self.state)), hardOnly: hardOnly, label: label)
            let summary = try DatasetExporter.export(
                snapshot, format: ExportFormat(rawValue: format)!, filter: filter, clearHard: clearHard,
                relativeTo: relativeTo.map { URL(fileURLWithPath: $0) }, to: URL(fileURLWithPath: out))
            print("exported \(summary.samples) sample(s), \(summary.annotations) annotation(s) as of position \(summary.position) to \(out)")
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
