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
struct TasksApplier: EventApplier {
    mutating func apply(_ event: RecordedEvent, _ domain: DomainEvent?, _ db: Database) throws {
        guard let domain, let taskID = domain.taskID,
            let dataset = StreamNames.datasetID(ofStream: event.streamID)?.rawValue
        else { return }
        let task = taskID.rawValue
        let position = Int64(event.position)
        var at: Instant?
        var detail = ""
        switch domain {
        case .autoLabelTaskQueued(let e):
            at = e.at
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO autolabel_tasks(dataset, task_id, task_type, algorithm, model, target_accuracy,
                    requested_by, status, queued_at, last_event_at, queued_position, last_position)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                """).execute(arguments: [
                    dataset, task, e.taskType.rawValue, e.algorithm.rawValue, e.model.map { "\($0.name)@\($0.version)" },
                    e.targetAccuracy, e.requestedBy, TaskStatus.queuing.rawValue, e.at.microsecondsSince1970,
                    e.at.microsecondsSince1970, position, position,
                ])
            detail = "\(e.taskType)" + (e.model.map { " model \($0.name)@\($0.version)" } ?? " algorithm \(e.algorithm == .fast ? "fast" : "accurate")")
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
            detail = "\(e.phase.serviceName) \(e.processed)/\(e.total) \(String(format: "%.1f", e.percent))%"
        case .taskTrainingFinished(let e):
            at = e.at
            guard let old = try String.fetchOne(
                db, sql: "SELECT metrics FROM autolabel_tasks WHERE dataset = ? AND task_id = ?", arguments: [dataset, task])
            else { return }
            var metrics = (try? JSONSerialization.jsonObject(with: Data(old.utf8))) as? [String: Double] ?? [:]
            metrics.merge(e.metrics) { _, new in new }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys]), as: UTF8.self)
            try update(dataset, task, "metrics = ?", [json], db)
            detail = e.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(format: "%.4f", $0.value))" }
                .joined(separator: " ")
        case .samplesAutoLabeled(let e):
            try update(dataset, task, "auto_labeled_samples = auto_labeled_samples + ?", [e.samples.count], db)
            detail = "\(e.samples.count) samples"
        case .hardExamplesDetected(let e):
            try update(dataset, task, "hard_examples = hard_examples + ?", [e.samples.count], db)
            detail = "\(e.samples.count) samples"
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
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT status, last_event_at FROM autolabel_tasks WHERE dataset = ? AND task_id = ?"),
            arguments: [dataset, task])
        else { return }
        let status: Int = row[0]
        var eventAt: Int64 = row[1]
        if let at {
            eventAt = at.microsecondsSince1970
            try update(dataset, task, "last_event_at = ?", [eventAt], db)
        }
        try update(dataset, task, "last_position = ?", [position], db)
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO task_events(dataset, task_id, position, type, status, at, actor, detail)
            VALUES (?,?,?,?,?,?,?,?)
            """).execute(arguments: [dataset, task, position, event.type, status, eventAt, event.actor, detail])
    }

    private func update(
        _ dataset: String, _ task: String, _ assignments: String, _ values: [(any DatabaseValueConvertible)?], _ db: Database
    ) throws {
        try db.cachedStatement(sql: "UPDATE autolabel_tasks SET \(assignments) WHERE dataset = ? AND task_id = ?")
            .execute(arguments: StatementArguments(values + [dataset, task]))
    }

    mutating func finish(_ db: Database) throws {}
}
