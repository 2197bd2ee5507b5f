import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import LabelingDomain
import LabelingService
import Projections

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Show datasets as of a log position or a time, or verify the projections by a fresh replay.",
        discussion: """
            --as-of-position P / --as-of-time T: folds each dataset's stream with the domain's \
            own rules up to that point and prints its statistics, tasks and the first samples of \
            each tab as they were then. --verify: rebuilds every projection from position 0 in a \
            scratch directory up to the live checkpoint and compares digests; exit status 1 on a \
            mismatch, with the first differing row.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Include events up to this position.") var asOfPosition: UInt64?
    @Option(help: "Include events recorded up to this time (ISO 8601 or seconds since 1970).") var asOfTime: TimeArgument?
    @Option(help: "Only this dataset (the API's id, with --project).") var dataset: String?
    @OptionGroup var project: ProjectOption
    @Option(help: "Samples shown per tab.") var samples = 5
    @Flag(help: "Compare the live projections with a fresh replay.") var verify = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        let modes = [asOfPosition != nil, asOfTime != nil, verify].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of --as-of-position, --as-of-time, --verify") }
    }

    /// Reads without the writer lock, so it runs beside `labelledger serve`: the log is opened
    /// read-only (up to its last whole commit group), and so are the projections when they are
    /// needed (without `--dataset`, and for `--verify`). Only when no projections exist, or
    /// the audit projection has not reached the asked position, are they built or caught up
    /// first, which needs the lock.
    func run() async throws {
        let log = try EventLog.openReadOnly(directory: data.logDirectory)
        if dataset != nil, !verify {
            try report(log: log, store: nil)
            return
        }
        if ProjectionStore.exists(directory: data.projectionDirectory),
            let store = try? ProjectionStore.openReadOnly(directory: data.projectionDirectory),
            try verify || store.checkpoint(.audit) >= asOfPosition ?? DatasetReplay.position(asOf: asOfTime!.date, log: log)
        {
            try report(log: log, store: store)
            return
        }
        let (writable, store, _) = try await data.openProjected()
        do {
            try report(log: writable, store: store)
        } catch {
            await writable.close()
            throw error
        }
        await writable.close()
    }

    private func report(log: EventLog, store: ProjectionStore?) throws {
        if verify, let store {
            try runVerify(log: log, store: store)
            return
        }
        let position = try asOfPosition ?? DatasetReplay.position(asOf: asOfTime!.date, log: log)
        guard position <= log.head else { throw ProjectionError.positionBeyondHead(position: position, head: log.head) }
        let ids = try dataset.map { [project.dataset($0)] } ?? ProjectionQueries(store: store!).datasetIDs(asOfPosition: position)
        var objects: [[String: Any]] = []
        for id in ids {
            guard let asOf = try DatasetReplay.replay(id, log: log, upTo: position, snapshots: SnapshotStore(directory: data.directory.snapshots)) else { throw ProjectionError.datasetNotFound(id) }
            if json { objects.append(object(asOf)) } else { printText(id, asOf) }
        }
        if json {
            let bytes = try JSONSerialization.data(
                withJSONObject: ["position": position, "datasets": objects], options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: bytes, as: UTF8.self))
        } else if ids.isEmpty {
            print("no dataset existed at position \(position)")
        }
    }

    private func runVerify(log: EventLog, store: ProjectionStore) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "labelledger-replay-verify-\(ProcessInfo.processInfo.processIdentifier)")
        // A log opened after the live projections' snapshot (a server may have moved them on).
        let directory = data.logDirectory
        let results = try ReplayVerifier.verify(store: store, scratch: scratch) { () throws(ProjectionError) in
            do { return try EventLog.openReadOnly(directory: directory) } catch { return log }
        }
        for result in results {
            if json {
                var object: [String: Any] = [
                    "projection": result.kind.rawValue, "checkpoint": result.checkpoint, "live": result.liveDigest,
                    "replay": result.replayDigest, "matches": result.matches,
                ]
                if let difference = result.firstDifference { object["first_difference"] = difference }
                let bytes = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: bytes, as: UTF8.self))
            } else {
                print("\(result.kind) at \(result.checkpoint): live \(result.liveDigest.prefix(16))… replay \(result.replayDigest.prefix(16))… \(result.matches ? "OK" : "DIFFERENT")")
                if let difference = result.firstDifference { print("  first difference: \(difference)") }
            }
        }
        if results.contains(where: { !$0.matches }) { throw ExitCode(1) }
    }

    private func tabs(_ state: DatasetState) -> [(String, [(SampleID, SampleRecord)])] {
        let sorted = state.samples.sorted { $0.key < $1.key }
        return [SampleState.unlabeled, .toBeConfirmed, .labeled].map { tab in
            (tab.description, Array(sorted.filter { $0.value.state == tab }.prefix(samples)))
        }
    }

    private func printText(_ id: DatasetID, _ asOf: DatasetAtPosition) {
        let summary = DatasetSummary(asOf.state)
        let s = summary.sampleStats
        print("dataset \(id) '\(summary.name)' (\(summary.type)) as of position \(asOf.asOfPosition): version \(summary.version), last event at \(asOf.position)\(asOf.lastEventAt.map { " (" + TimeArgument.format($0) + ")" } ?? "")")
        if let deletion = asOf.state.deletion {
            print("  deleted by \(deletion.by) at \(TimeArgument.format(deletion.at.date)) with \(deletion.sampleCount) samples")
        }
        print("  sample_stats: un_annotation \(s.unAnnotation), manual_annotation \(s.manualAnnotation), auto_annotation \(s.autoAnnotation), total \(s.total); hard \(summary.hardSamples)")
        for label in summary.labelStats {
            print("  label \(label.name): count \(label.count), sample_count \(label.sampleCount), to confirm \(label.pendingSampleCount)")
        }
        for (reason, count) in summary.hardReasonCounts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            print("  hard reason \(reason): \(count)")
        }
        for task in asOf.state.tasks.values.sorted(by: { $0.queuedAt < $1.queuedAt }) {
            print("  task \(task.id) \(task.type) status \(task.status.rawValue) (\(task.status))\(task.progress.map { String(format: " %.0f%%", $0.percent) } ?? "")")
        }
        for (tab, rows) in tabs(asOf.state) where !rows.isEmpty {
            print("  \(tab):")
            for (sampleID, record) in rows {
                let labels = record.visibleLabels.map { $0.name + ($0.score.map { String(format: " %.2f", $0) } ?? "") }
                print("    \(sampleID) \(record.name) [\(labels.joined(separator: ", "))]\(record.hardMark != nil ? " hard" : "")")
            }
        }
    }

    private func object(_ asOf: DatasetAtPosition) -> [String: Any] {
        let summary = DatasetSummary(asOf.state)
        let s = summary.sampleStats
        return [
            "dataset_id": summary.datasetID.rawValue, "name": summary.name, "type": summary.type.rawValue,
            "version": summary.version, "last_event_position": asOf.position,
            "deleted": asOf.state.isDeleted,
            "sample_stats": [
                "un_annotation": s.unAnnotation, "manual_annotation": s.manualAnnotation,
                "auto_annotation": s.autoAnnotation, "total": s.total,
            ],
            "label_stats": summary.labelStats.map {
                ["name": $0.name, "count": $0.count, "sample_count": $0.sampleCount, "pending_sample_count": $0.pendingSampleCount]
            },
            "hard_detail_stats": Dictionary(uniqueKeysWithValues: summary.hardReasonCounts.map { ("\($0.key.rawValue)", $0.value) }),
            "tasks": asOf.state.tasks.values.sorted(by: { $0.queuedAt < $1.queuedAt }).map {
                ["task_id": $0.id.rawValue, "task_type": $0.type.serviceName, "status": $0.status.rawValue,
                 "progress": $0.progress?.percent ?? 0] as [String: Any]
            },
            "tabs": Dictionary(uniqueKeysWithValues: tabs(asOf.state).map { tab, rows in
                (tab, rows.map { id, record in
                    ["id": id.rawValue, "name": record.name,
                     "labels": record.visibleLabels.map(\.name), "hard": record.hardMark != nil] as [String: Any]
                })
            }),
        ]
    }
}
