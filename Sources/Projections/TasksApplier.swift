import EventLog
import Foundation
import GRDB
import LabelingDomain
import LabelingService

/// The `tasks` projection: one `autolabel_tasks` row per auto-labeling task with its
/// status, progress, metrics, counts and result (with the samples it skipped and why:
/// `result_skipped`, `result_skipped_samples` as JSON), and one `task_events` row per task
/// event (the task's history). Mirrors `evolve`: events naming an unknown task change
/// nothing.
///
/// Beside the tasks, what auto labeling is configured with, so that reads never load an
/// aggregate: each dataset's continuous-mode setting (`continuous_settings`) and the
/// pre-labeling model registries (`models`, one row per registered model).
///
/// The per-sample events of a running task (auto-labeled, hard examples found) are most
/// of a big log: their counter increments are summed in memory and written by
/// ``finish(_:)`` (or before the task's next other event), and the task's status and
/// last event time, which every `task_events` row repeats, are remembered instead of
/// read back per event.
struct TasksApplier: EventApplier {
    private struct Key: Hashable {
        var dataset: String
        var task: String
    }

    private struct Counters {
        var autoLabeled = 0
        var hard = 0
        var lastPosition: Int64 = 0
    }

    /// Status and last event time of tasks this applier has read or written.
    private var known: [Key: (status: Int, lastEventAt: Int64)] = [:]
    private var counters: [Key: Counters] = [:]

    mutating func apply(_ event: RecordedEvent, _ domain: DomainEvent?, _ db: Database) throws {
        switch domain {
        case .continuousAutoLabelingConfigured(let e)?:
            guard let dataset = StreamNames.datasetID(ofStream: event.streamID)?.rawValue else { return }
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO continuous_settings(dataset, new_samples, algorithm, configured_by, configured_at, position)
                VALUES (?,?,?,?,?,?)
                """).execute(arguments: [
                    dataset, e.newSamples, e.algorithm.rawValue, e.by, e.at.microsecondsSince1970, Int64(event.position),
                ])
            return
        case .modelRegistered(let e)?:
            // As `evolve` of the registry: the first registration of a name and version holds.
            guard StreamNames.isModelRegistry(event.streamID) else { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let command = String(decoding: try encoder.encode(e.commandLine), as: UTF8.self)
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO models(registry, name, version, type, command, timeout_seconds, registered_by,
                    registered_at, position)
                VALUES (?,?,?,?,?,?,?,?,?)
                """).execute(arguments: [
                    event.streamID, e.model.name, e.model.version, e.type.rawValue, command, Int64(e.timeoutSeconds), e.by,
                    e.at.microsecondsSince1970, Int64(event.position),
                ])
            return
        default:
            break
        }
        guard let domain, let taskID = domain.taskID,
            let dataset = StreamNames.datasetID(ofStream: event.streamID)?.rawValue
        else { return }
        let task = taskID.rawValue
        let key = Key(dataset: dataset, task: task)
        let position = Int64(event.position)
        var at: Instant?
        var detail = ""
        switch domain {
        case .samplesAutoLabeled(let e):
            try recordCounted(key, event, autoLabeled: e.samples.count, hard: 0, detail: "\(e.samples.count) samples", db)
            return
        case .hardExamplesDetected(let e):
            try recordCounted(key, event, autoLabeled: 0, hard: e.samples.count, detail: "\(e.samples.count) samples", db)
            return
        default:
            try flushCounters(key, db)
        }
        switch domain {
        case .autoLabelTaskQueued(let e):
            at = e.at
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO autolabel_tasks(dataset, task_id, task_type, algorithm, model, target_accuracy,
                    requested_by, status, queued_at, last_event_at, queued_position, last_position)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                """).execute(arguments: [
                    dataset, task, e.taskType.rawValue, e.algorithm.rawValue, e.model.map(\.description),
                    e.targetAccuracy, e.requestedBy, TaskStatus.queuing.rawValue, e.at.microsecondsSince1970,
                    e.at.microsecondsSince1970, position, position,
                ])
            detail = "\(e.taskType)" + (e.model.map { " model \($0)" } ?? " algorithm \(e.algorithm == .fast ? "fast" : "accurate")")
        case .taskStarted(let e):
            at = e.at
            try update(dataset, task, "status = ?, started_at = ?", [TaskStatus.initializing.rawValue, e.at.microsecondsSince1970], db)
        case .taskRunning(let e):
            at = e.at
            try update(dataset, task, "status = ?", [TaskStatus.running.rawValue], db)
        case .taskProgressed(let e):
            at = e.at
            try update(dataset, task, "phase = ?, processed = ?, total = ?, progress = ?",
                [e.phase.rawValue, Int64(e.processed), Int64(e.total), e.percent], db)
            detail = "\(e.phase.serviceName) \(e.processed)/\(e.total) \(FixedDecimal.text(e.percent, places: 1))%"
        case .taskTrainingFinished(let e):
            at = e.at
            guard let old = try String.fetchOne(
                db, sql: "SELECT metrics FROM autolabel_tasks WHERE dataset = ? AND task_id = ?", arguments: [dataset, task])
            else { return }
            var metrics = (try? JSONSerialization.jsonObject(with: Data(old.utf8))) as? [String: Double] ?? [:]
            metrics.merge(e.metrics) { _, new in new }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys]), as: UTF8.self)
            try update(dataset, task, "metrics = ?", [json], db)
            detail = e.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(FixedDecimal.text($0.value, places: 4))" }
                .joined(separator: " ")
        case .taskSucceeded(let e):
            at = e.at
            // Skipped samples as a JSON array of {"sample_id", "reason"}, in the event's order.
            let skipped = e.counts.skippedSamples.map { ["sample_id": $0.sampleID.rawValue, "reason": $0.reason] }
            let skippedJSON = String(decoding: try JSONSerialization.data(withJSONObject: skipped, options: [.sortedKeys]), as: UTF8.self)
            try update(dataset, task, """
                status = ?, ended_at = ?, progress = 100, result_total = ?, result_auto_labeled = ?,
                result_hard_examples = ?, result_flattened_rgba = ?, result_skipped = ?, result_skipped_samples = ?
                """, [
                    TaskStatus.succeeded.rawValue, e.at.microsecondsSince1970, Int64(e.counts.totalSamples),
                    Int64(e.counts.autoLabeledSamples), Int64(e.counts.hardExamples), Int64(e.counts.flattenedRGBAImages),
                    Int64(e.counts.skippedSampleCount), skippedJSON,
                ], db)
            detail = "\(e.counts.autoLabeledSamples)/\(e.counts.totalSamples) auto-labeled, \(e.counts.hardExamples) hard"
                + (e.counts.skippedSamples.isEmpty ? "" : ", \(e.counts.skippedSampleCount) skipped")
        case .taskFailed(let e):
            at = e.at
            try update(dataset, task, "status = ?, ended_at = ?, failure_code = ?, failure_message = ?",
                [TaskStatus.failed.rawValue, e.at.microsecondsSince1970, e.code, e.message], db)
            detail = "\(e.code) \(e.message)"
        case .taskStopRequested(let e):
            at = e.at
            try update(dataset, task, "status = ?, stop_requested_by = ?", [TaskStatus.stopping.rawValue, e.by], db)
            detail = "by \(e.by)"
        case .taskStopped(let e):
            at = e.at
            try update(dataset, task, "status = ?, ended_at = ?", [TaskStatus.stopped.rawValue, e.at.microsecondsSince1970], db)
        default:
            return
        }
        // The status may have changed: read it back once.
        known[key] = nil
        guard var row = try taskRow(key, db) else { return }
        if let at {
            row.lastEventAt = at.microsecondsSince1970
            known[key] = row
            try update(dataset, task, "last_event_at = ?", [row.lastEventAt], db)
        }
        try update(dataset, task, "last_position = ?", [position], db)
        try insertEvent(key, event, status: row.status, at: row.lastEventAt, detail: detail, db)
    }

    /// An auto-labeled or hard-examples event: counted in memory, its history row written now.
    private mutating func recordCounted(
        _ key: Key, _ event: RecordedEvent, autoLabeled: Int, hard: Int, detail: String, _ db: Database
    ) throws {
        guard let row = try taskRow(key, db) else { return }
        counters[key, default: Counters()].autoLabeled += autoLabeled
        counters[key, default: Counters()].hard += hard
        counters[key, default: Counters()].lastPosition = Int64(event.position)
        try insertEvent(key, event, status: row.status, at: row.lastEventAt, detail: detail, db)
    }

    private mutating func taskRow(_ key: Key, _ db: Database) throws -> (status: Int, lastEventAt: Int64)? {
        if let row = known[key] { return row }
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT status, last_event_at FROM autolabel_tasks WHERE dataset = ? AND task_id = ?"),
            arguments: [key.dataset, key.task])
        else { return nil }
        let found = (status: row[0] as Int, lastEventAt: row[1] as Int64)
        known[key] = found
        return found
    }

    private func insertEvent(
        _ key: Key, _ event: RecordedEvent, status: Int, at: Int64, detail: String, _ db: Database
    ) throws {
        var insert = try PositionalStatement(db, """
            INSERT OR REPLACE INTO task_events(dataset, task_id, position, type, status, at, actor, detail)
            VALUES (?,?,?,?,?,?,?,?)
            """)
        insert.bind(key.dataset)
        insert.bind(key.task)
        insert.bind(event.position)
        insert.bind(event.type)
        insert.bind(status)
        insert.bind(at)
        insert.bind(event.actor)
        insert.bind(detail)
        try insert.run(db)
    }

    private mutating func flushCounters(_ key: Key, _ db: Database) throws {
        guard let pending = counters.removeValue(forKey: key) else { return }
        try update(key.dataset, key.task, """
            auto_labeled_samples = auto_labeled_samples + ?, hard_examples = hard_examples + ?,
            last_position = MAX(last_position, ?)
            """, [pending.autoLabeled, pending.hard, pending.lastPosition], db)
    }

    private func update(
        _ dataset: String, _ task: String, _ assignments: String, _ values: [(any DatabaseValueConvertible)?], _ db: Database
    ) throws {
        try db.cachedStatement(sql: "UPDATE autolabel_tasks SET \(assignments) WHERE dataset = ? AND task_id = ?")
            .execute(arguments: StatementArguments(values + [dataset, task]))
    }

    mutating func finish(_ db: Database) throws {
        for key in counters.keys.sorted(by: { ($0.dataset, $0.task) < ($1.dataset, $1.task) }) { try flushCounters(key, db) }
    }
}
