import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingDomain
import LedgerQueries
import Projections

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "The audit trail of a sample, a dataset or an actor.",
        discussion: """
            One line per event: position, time, actor, what changed (before → after for labels), \
            for a sample who labelled it as the change left it (the API's labeler: person:<user>, \
            active-learning or model:<name>:<version>), command id. Answered from the audit index of the projections (never by scanning the \
            log); the projections are caught up first when the log is not held by another process.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "A sample id (with --dataset to restrict it to one dataset).") var sample: String?
    @Option(help: "A dataset id (the API's, with --project).") var dataset: String?
    @OptionGroup var project: ProjectOption
    @Option(help: "An actor (user name, auto-labeling, importer…).") var actor: String?
    @Option(help: "From this time (ISO 8601 or seconds since 1970), inclusive.") var since: TimeArgument?
    @Option(help: "Up to this time, inclusive.") var until: TimeArgument?
    @Option(help: "At most this many lines.") var limit = 10_000
    @Flag(help: "One JSON object per line.") var json = false

    func validate() throws {
        guard sample != nil || dataset != nil || actor != nil else {
            throw ValidationError("give one of --sample, --dataset or --actor")
        }
        guard !(sample == nil && dataset != nil && actor != nil) else {
            throw ValidationError("--dataset and --actor exclude each other")
        }
    }

    /// Reads through the query API every read of the product goes through (``LedgerQueries``),
    /// over the projections caught up first when the log can be taken, else over the log
    /// opened read-only and the projections as they are (beside a running server).
    func run() async throws {
        let store: ProjectionStore
        let log: EventLog
        var writable: EventLog?
        if let opened = try? await data.openProjected() {
            (log, store, writable) = (opened.0, opened.1, opened.0)
        } else {
            guard ProjectionStore.exists(directory: data.projectionDirectory) else {
                throw ValidationError("no projections in \(data.projectionDirectory.path) and the log cannot be opened")
            }
            store = try ProjectionStore.open(directory: data.projectionDirectory, removeStaleFiles: false)
            log = try EventLog.openReadOnly(directory: data.logDirectory)
        }
        let subject: HistoryQuery.Subject
        if let sample {
            subject = .sample(SampleID(sample), dataset: dataset.map { project.dataset($0) })
        } else if let actor {
            subject = .actor(actor)
        } else {
            subject = .dataset(project.dataset(dataset!))
        }
        let queries = LedgerQueries(log: log, store: store)
        let entries: [HistoryEntry]
        do {
            entries = try await queries.history(HistoryQuery(subject, since: since?.date, until: until?.date, limit: limit))
            // A dataset with no trail at all was never created: say so (exit 1), not "0 events".
            if entries.isEmpty, let dataset, try await queries.history(HistoryQuery(.dataset(project.dataset(dataset)), limit: 1)).isEmpty {
                await writable?.close()
                throw CommandFailure(ProjectionError.datasetNotFound(project.dataset(dataset)).description
                    + (project.project == nil && !dataset.contains("/") ? " (a dataset of a project: give --project)" : ""))
            }
        } catch let error as QueryError {
            await writable?.close()
            throw CommandFailure(error.description)
        }
        for entry in entries {
            if json {
                var object: [String: Any] = [
                    "position": entry.position, "time": TimeArgument.format(entry.recordedAt), "actor": entry.actor,
                    "type": entry.type, "stream": entry.stream, "command_id": entry.commandID,
                    "correlation_id": entry.correlationID, "summary": entry.summary, "sample_count": entry.sampleCount,
                    "change": entry.whatChanged,
                ]
                if let dataset = entry.dataset { object["dataset"] = dataset.rawValue }
                if let labeler = entry.sample?.labeler { object["labeler"] = labeler.name }
                if let change = entry.sample {
                    object["sample"] = [
                        "id": change.sampleID.rawValue, "change": change.change, "before": change.before, "after": change.after,
                    ]
                }
                let bytes = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: bytes, as: UTF8.self))
            } else {
                let command = entry.commandID.isEmpty ? "-" : entry.commandID
                let scope = sample == nil || dataset != nil ? "" : "\(entry.dataset?.rawValue ?? entry.stream)  "
                let labeler = entry.sample?.labeler.map { "  labeler \($0.name)" } ?? ""
                print("\(entry.position)  \(TimeArgument.format(entry.recordedAt))  \(entry.actor)  \(scope)\(entry.whatChanged)\(labeler)  [\(command)]")
            }
        }
        if !json { print("\(entries.count) event\(entries.count == 1 ? "" : "s")") }
        await writable?.close()
    }
}
