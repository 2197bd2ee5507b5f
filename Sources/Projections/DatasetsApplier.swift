import EventLog
import Foundation
import GRDB
import LabelingDomain
import LabelingService

/// The `datasets` projection: datasets, samples (tab views), label counts and statistics.
/// Mirrors `evolve` of the domain row by row — the tests compare both on the same events.
/// What each event did to each sample is the `audit` projection's (``AuditApplier``).
///
/// Counters (`sample_stats`, `labels`, `hard_detail_stats`) are kept as deltas in memory
/// and written by ``finish(_:)``, once per transaction, so a bulk rebuild touches each
/// counter row once per batch instead of once per event.
struct DatasetsApplier: EventApplier {
    private struct StatsDelta {
        var counts = [0, 0, 0]  // by SampleState raw value
        var hard = 0
    }

    private struct LabelDelta {
        var count = 0
        var samples = 0
        var pending = 0
    }

    private var stats: [String: StatsDelta] = [:]
    private var labelDeltas: [String: [String: LabelDelta]] = [:]
    private var reasonDeltas: [String: [Int: Int]] = [:]
    private var versions: [String: (version: UInt64, position: UInt64)] = [:]
    private var rows: SampleRowStore

    /// `rows` is ``SampleRowStore/Mode/direct`` for live application; a rebuild's bulk
    /// phase buffers sample rows (see ``SampleRowStore``) and keeps one applier for all
    /// its batches.
    init(rows: SampleRowStore.Mode = .direct) {
        self.rows = SampleRowStore(mode: rows)
    }

    // MARK: - Events

    mutating func apply(_ event: RecordedEvent, _ domain: DomainEvent?, _ db: Database) throws {
        guard let domain, let dataset = StreamNames.datasetID(ofStream: event.streamID)?.rawValue else { return }
        try applyDataset(domain, dataset: dataset, event: event, db)
        versions[dataset] = (event.streamVersion, event.position)
    }

    private mutating func applyDataset(_ domain: DomainEvent, dataset: String, event: RecordedEvent, _ db: Database) throws {
        let position = event.position
        let actor = event.actor
        switch domain {
        case .datasetCreated(let e):
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO datasets(dataset, name, type, description, created_by, created_at, version, last_position)
                VALUES (?,?,?,?,?,?,?,?)
                """).execute(arguments: [
                    dataset, e.name, e.type.rawValue, e.description, e.createdBy, e.createdAt.microsecondsSince1970,
                    Int64(event.streamVersion), Int64(position),
                ])
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO sample_stats(dataset) VALUES (?)").execute(arguments: [dataset])
            try addLabels(e.labels, dataset: dataset, db)

        case .labelsAdded(let e):
            try addLabels(e.labels, dataset: dataset, db)

        case .labelRenamed(let e):
            // Reads and rewrites the carriers through SQL: buffered rows go first.
            try rows.flush(db)
            try flushCounters(db)
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM labels WHERE dataset = ? AND name = ?)", arguments: [dataset, e.oldName])!
            let taken = try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM labels WHERE dataset = ? AND name = ?)", arguments: [dataset, e.newName])!
            guard exists, !taken else { break }
            try db.execute(
                sql: "UPDATE labels SET name = ? WHERE dataset = ? AND name = ?", arguments: [e.newName, dataset, e.oldName])
            let carriers = try Row.fetchAll(db, sql: """
                SELECT s.seq, s.labels FROM sample_labels l JOIN samples s ON s.seq = l.seq
                WHERE l.dataset = ? AND l.label = ?
                """, arguments: [dataset, e.oldName])
            for row in carriers {
                let seq: Int64 = row[0]
                var labels = StoredLabels.decode(row[1])
                for i in labels.indices where labels[i].name == e.oldName { labels[i].name = e.newName }
                try db.execute(
                    sql: "UPDATE samples SET labels = ?, label_index = ? WHERE seq = ?",
                    arguments: [StoredLabels.json(labels), StoredLabels.index(StoredLabels.counts(labels)), seq])
                try db.execute(
                    sql: "UPDATE sample_labels SET label = ? WHERE seq = ? AND label = ?", arguments: [e.newName, seq, e.oldName])
            }

        case .labelDeleted(let e):
            for id in e.strippedSamples {
                guard var row = try rows.row(dataset, id, db) else { continue }
                let before = row.labels
                let beforeState = row.state
                row.labels.removeAll { $0.name == e.name }
                if row.state != .unlabeled, row.labels.isEmpty { row.state = .unlabeled }
                try setLabels(&row, from: beforeState, before, position: position, actor: actor, db)
            }
            try flushCounters(db)
            try db.execute(sql: "DELETE FROM labels WHERE dataset = ? AND name = ?", arguments: [dataset, e.name])

        case .samplesAdded(let e):
            for (index, sample) in e.samples.enumerated() {
                guard try rows.row(dataset, sample.id, db) == nil else { continue }
                try insert(sample, index: index, dataset: dataset, position: position, actor: actor, db)
            }

        case .samplesDeleted(let e):
            for sample in e.samples {
                guard let row = try rows.row(dataset, sample.id, db) else { continue }
                accountLabels(dataset, row.state, row.labelCounts, -1)
                accountHard(dataset, row.hard, row.hardReasons, -1)
                try rows.delete(row, db)
            }

        case .sampleLabelsReplaced(let e):
            for change in e.samples {
                guard var row = try rows.row(dataset, change.sampleID, db) else { continue }
                let (beforeState, before) = (row.state, row.labels)
                row.state = change.newLabels.isEmpty ? .unlabeled : .labeled
                row.labels = change.newLabels
                try setLabels(&row, from: beforeState, before, position: position, actor: actor, db)
            }

        case .samplesConfirmed(let e):
            for confirmed in e.samples {
                guard var row = try rows.row(dataset, confirmed.sampleID, db) else { continue }
                let (beforeState, before) = (row.state, row.labels)
                row.state = confirmed.confirmedLabels.isEmpty ? .unlabeled : .labeled
                row.labels = confirmed.confirmedLabels
                try setLabels(&row, from: beforeState, before, position: position, actor: actor, db)
            }

        case .samplesRejected(let e):
            for rejected in e.samples {
                guard var row = try rows.row(dataset, rejected.sampleID, db) else { continue }
                let (beforeState, before) = (row.state, row.labels)
                row.state = .unlabeled
                row.labels = []
                try setLabels(&row, from: beforeState, before, position: position, actor: actor, db)
            }

        case .samplesMarkedHard(let e):
            let reasons = e.reasons.map(\.rawValue)
            for id in e.sampleIDs {
                guard var row = try rows.row(dataset, id, db) else { continue }
                try setHard(&row, reasons: reasons, coefficient: e.coefficient, origin: "person:\(e.by)",
                    position: position, actor: actor, db)
            }

        case .hardMarksCleared(let e):
            for id in e.sampleIDs {
                guard var row = try rows.row(dataset, id, db) else { continue }
                try setHard(&row, reasons: nil, coefficient: nil, origin: nil, position: position, actor: actor, db)
            }

        case .samplesAutoLabeled(let e):
            for sample in e.samples {
                guard var row = try rows.row(dataset, sample.sampleID, db) else { continue }
                let (beforeState, before) = (row.state, row.labels)
                row.state = sample.labels.isEmpty ? .unlabeled : .toBeConfirmed
                row.labels = sample.labels
                try setLabels(&row, from: beforeState, before, position: position, actor: actor, db)
            }

        case .hardExamplesDetected(let e):
            for finding in e.samples {
                guard var row = try rows.row(dataset, finding.sampleID, db) else { continue }
                try setHard(&row, reasons: finding.reasons.map(\.rawValue), coefficient: finding.coefficient,
                    origin: "task:\(e.taskID)", position: position, actor: actor, db)
            }

        case .datasetDeleted(let e):
            try dropDataset(dataset, db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO deleted_datasets(dataset, deleted_by, deleted_at, position) VALUES (?,?,?,?)",
                arguments: [dataset, e.by, e.at.microsecondsSince1970, Int64(position)])

        case .autoLabelTaskQueued, .taskStarted, .taskRunning, .taskProgressed, .taskTrainingFinished,
            .taskSucceeded, .taskFailed, .taskStopRequested, .taskStopped, .modelRegistered,
            .continuousAutoLabelingConfigured:
            break
        }
    }

    // MARK: - Rows

    private func addLabels(_ labels: [LabelDefinition], dataset: String, _ db: Database) throws {
        var ordinal = try Int.fetchOne(
            db, sql: "SELECT COALESCE(MAX(ordinal) + 1, 0) FROM labels WHERE dataset = ?", arguments: [dataset]) ?? 0
        for label in labels {
            try db.execute(
                sql: "INSERT OR IGNORE INTO labels(dataset, name, ordinal, color) VALUES (?,?,?,?)",
                arguments: [dataset, label.name, ordinal, label.color])
            if db.changesCount > 0 { ordinal += 1 }
        }
    }

    private mutating func insert(
        _ sample: NewSample, index: Int, dataset: String, position: UInt64, actor: String, _ db: Database
    ) throws {
        let state = sample.arrivalState
        let mark = sample.initialHardMark
        let row = SampleRow(
            seq: Int64(position) << 20 | Int64(index), dataset: dataset, sampleID: sample.id.rawValue, name: sample.name,
            state: state,
            labels: state == .labeled ? sample.initialLabels : state == .toBeConfirmed ? sample.initialPredictions : [],
            hard: mark != nil, hardReasons: mark?.reasons.map(\.rawValue) ?? [], hardCoefficient: mark?.coefficient,
            hardOrigin: mark.map(Self.origin), width: Int64(sample.width), height: Int64(sample.height),
            channels: Int64(sample.channels), sourcePath: sample.sourcePath, contentSHA256: sample.contentSHA256,
            usage: sample.usage?.rawValue, addedPosition: position, lastPosition: position, lastActor: actor)
        try rows.insert(row, db)
        accountLabels(dataset, state, row.labelCounts, 1)
        accountHard(dataset, row.hard, row.hardReasons, 1)
    }

    private static func origin(_ mark: HardMark) -> String {
        switch mark.origin {
        case .person(let user): "person:\(user)"
        case .task(let task): "task:\(task)"
        }
    }

    /// Stores `row`, whose state and labels were `beforeState`/`before`, and moves the
    /// label counters from the old labels to the new.
    private mutating func setLabels(
        _ row: inout SampleRow, from beforeState: SampleState, _ before: [SampleLabel], position: UInt64,
        actor: String, _ db: Database
    ) throws {
        accountLabels(row.dataset, beforeState, StoredLabels.counts(before), -1)
        accountLabels(row.dataset, row.state, row.labelCounts, 1)
        row.lastPosition = position
        row.lastActor = actor
        try rows.updateLabels(row, hadLabels: !before.isEmpty, db)
    }

    private mutating func setHard(
        _ row: inout SampleRow, reasons: [Int]?, coefficient: Double?, origin: String?, position: UInt64,
        actor: String, _ db: Database
    ) throws {
        accountHard(row.dataset, row.hard, row.hardReasons, -1)
        accountHard(row.dataset, reasons != nil, reasons ?? [], 1)
        row.hard = reasons != nil
        row.hardReasons = reasons ?? []
        row.hardCoefficient = coefficient
        row.hardOrigin = origin
        row.lastPosition = position
        row.lastActor = actor
        try rows.updateHard(row, db)
    }

    // MARK: - Counters

    private mutating func accountLabels(
        _ dataset: String, _ state: SampleState, _ counts: [(name: String, instances: Int)], _ sign: Int
    ) {
        stats[dataset, default: StatsDelta()].counts[state.rawValue] += sign
        switch state {
        case .unlabeled:
            break
        case .labeled:
            for (name, instances) in counts {
                labelDeltas[dataset, default: [:]][name, default: LabelDelta()].samples += sign
                labelDeltas[dataset, default: [:]][name, default: LabelDelta()].count += sign * instances
            }
        case .toBeConfirmed:
            for (name, _) in counts {
                labelDeltas[dataset, default: [:]][name, default: LabelDelta()].pending += sign
            }
        }
    }

    private mutating func accountHard(_ dataset: String, _ hard: Bool, _ reasons: [Int], _ sign: Int) {
        guard hard else { return }
        stats[dataset, default: StatsDelta()].hard += sign
        for reason in Set(reasons) { reasonDeltas[dataset, default: [:]][reason, default: 0] += sign }
    }

    private mutating func flushCounters(_ db: Database) throws {
        let statsStatement = try db.cachedStatement(sql: """
            UPDATE sample_stats SET un_annotation = un_annotation + ?, auto_annotation = auto_annotation + ?,
                manual_annotation = manual_annotation + ?, total = total + ?, hard_samples = hard_samples + ?
            WHERE dataset = ?
            """)
        for (dataset, delta) in stats {
            try statsStatement.execute(arguments: [
                delta.counts[0], delta.counts[1], delta.counts[2], delta.counts.reduce(0, +), delta.hard, dataset,
            ])
        }
        stats.removeAll(keepingCapacity: true)
        let labelStatement = try db.cachedStatement(sql: """
            UPDATE labels SET count = count + ?, sample_count = sample_count + ?,
                pending_sample_count = pending_sample_count + ? WHERE dataset = ? AND name = ?
            """)
        for (dataset, labels) in labelDeltas {
            for (name, delta) in labels where delta.count != 0 || delta.samples != 0 || delta.pending != 0 {
                try labelStatement.execute(arguments: [delta.count, delta.samples, delta.pending, dataset, name])
            }
        }
        labelDeltas.removeAll(keepingCapacity: true)
        let reasonStatement = try db.cachedStatement(sql: """
            INSERT INTO hard_detail_stats(dataset, reason, samples) VALUES (?,?,?)
            ON CONFLICT(dataset, reason) DO UPDATE SET samples = samples + excluded.samples
            """)
        let pruneStatement = try db.cachedStatement(
            sql: "DELETE FROM hard_detail_stats WHERE dataset = ? AND reason = ? AND samples = 0")
        for (dataset, reasons) in reasonDeltas {
            for (reason, delta) in reasons where delta != 0 {
                try reasonStatement.execute(arguments: [dataset, reason, delta])
                try pruneStatement.execute(arguments: [dataset, reason])
            }
        }
        reasonDeltas.removeAll(keepingCapacity: true)
    }

    mutating func complete(_ db: Database) throws {
        try rows.flush(db)
    }

    mutating func finish(_ db: Database) throws {
        try flushCounters(db)
        let statement = try db.cachedStatement(sql: "UPDATE datasets SET version = ?, last_position = ? WHERE dataset = ?")
        for (dataset, v) in versions {
            try statement.execute(arguments: [Int64(v.version), Int64(v.position), dataset])
        }
        versions.removeAll(keepingCapacity: true)
    }

    // MARK: - Deletion

    /// `DatasetDeleted`: the dataset's rows leave every table (the audit index keeps its
    /// trail). Counter deltas buffered for the dataset are written first, then their rows
    /// deleted with the rest: nothing of it is left for ``finish(_:)`` to recreate.
    private mutating func dropDataset(_ dataset: String, _ db: Database) throws {
        // The statements below read and delete rows through SQL: buffered rows go first.
        try rows.flush(db)
        try flushCounters(db)
        // By seq through samples_by_id: sample_labels is keyed by seq, not by dataset.
        try db.execute(
            sql: "DELETE FROM sample_labels WHERE seq IN (SELECT seq FROM samples WHERE dataset = ?)", arguments: [dataset])
        for table in ["samples", "labels", "hard_detail_stats", "sample_stats", "datasets"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE dataset = ?", arguments: [dataset])
        }
    }
}
