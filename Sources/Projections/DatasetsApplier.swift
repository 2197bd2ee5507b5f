import EventLog
import Foundation
import GRDB
import LabelingDomain
import LabelingService

/// The `datasets` projection: datasets, samples (tab views), label counts, statistics
/// and the audit index. Mirrors `evolve` of the domain row by row — the tests compare
/// both on the same events — and records before → after for every sample it changes.
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

    /// A sample row as the applier needs it to compute deltas.
    private struct Current {
        var seq: Int64
        var state: SampleState
        var index: [(name: String, instances: Int)]
        var hard: Bool
        var reasons: [Int]
        var coefficient: Double?
    }

    private var stats: [String: StatsDelta] = [:]
    private var labelDeltas: [String: [String: LabelDelta]] = [:]
    private var reasonDeltas: [String: [Int: Int]] = [:]
    private var versions: [String: (version: UInt64, position: UInt64)] = [:]

    // MARK: - Events

    mutating func apply(_ event: RecordedEvent, _ domain: DomainEvent?, _ db: Database) throws {
        guard let domain else { return }
        let dataset = StreamNames.datasetID(ofStream: event.streamID)?.rawValue
        var touched = 0
        if let dataset {
            touched = try applyDataset(domain, dataset: dataset, event: event, db)
            versions[dataset] = (event.streamVersion, event.position)
        }
        var insert = try PositionalStatement(db, """
            INSERT INTO audit_events(position, stream, dataset, stream_version, type, actor, recorded_at,
                command_id, correlation_id, summary, sample_count) VALUES (?,?,?,?,?,?,?,?,?,?,?)
            """)
        insert.bind(event.position)
        insert.bind(event.streamID)
        insert.bind(dataset)
        insert.bind(event.streamVersion)
        insert.bind(event.type)
        insert.bind(event.actor)
        insert.bind(event.recordedAtMicros)
        insert.bind(event.commandID)
        insert.bind(event.correlationID)
        insert.bind(AuditSummary.summary(domain))
        insert.bind(touched)
        try insert.run(db)
    }

    /// Returns the number of samples the event changed.
    private mutating func applyDataset(_ domain: DomainEvent, dataset: String, event: RecordedEvent, _ db: Database) throws -> Int {
        let position = event.position
        let actor = event.actor
        var touched = 0
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
                guard let current = try load(dataset, id, db) else { continue }
                let json = try String.fetchOne(db, sql: "SELECT labels FROM samples WHERE seq = ?", arguments: [current.seq]) ?? "[]"
                let before = StoredLabels.decode(json)
                let after = before.filter { $0.name != e.name }
                var state = current.state
                if state != .unlabeled, after.isEmpty { state = .unlabeled }
                try setLabels(current, dataset: dataset, state: state, labels: after, position: position, actor: actor, db)
                try audit(id, dataset, position, "label deleted", StoredLabels.text(current.state, before),
                    StoredLabels.text(state, after), db)
                touched += 1
            }
            try flushCounters(db)
            try db.execute(sql: "DELETE FROM labels WHERE dataset = ? AND name = ?", arguments: [dataset, e.name])

        case .samplesAdded(let e):
            for (index, sample) in e.samples.enumerated() {
                guard try load(dataset, sample.id, db) == nil else { continue }
                try insert(sample, index: index, dataset: dataset, position: position, actor: actor, db)
                touched += 1
            }

        case .samplesDeleted(let e):
            for sample in e.samples {
                guard let current = try load(dataset, sample.id, db) else { continue }
                accountLabels(dataset, current.state, current.index, -1)
                accountHard(dataset, current.hard, current.reasons, -1)
                try db.cachedStatement(sql: "DELETE FROM samples WHERE seq = ?").execute(arguments: [current.seq])
                try db.cachedStatement(sql: "DELETE FROM sample_labels WHERE seq = ?").execute(arguments: [current.seq])
                try audit(sample.id, dataset, position, "deleted",
                    StoredLabels.text(sample.previousState, sample.previousLabels), "deleted", db)
                touched += 1
            }

        case .sampleLabelsReplaced(let e):
            for change in e.samples {
                guard let current = try load(dataset, change.sampleID, db) else { continue }
                let state: SampleState = change.newLabels.isEmpty ? .unlabeled : .labeled
                try setLabels(current, dataset: dataset, state: state, labels: change.newLabels, position: position, actor: actor, db)
                try audit(change.sampleID, dataset, position, "labels",
                    StoredLabels.text(change.previousState, change.previousLabels),
                    StoredLabels.text(state, change.newLabels), db)
                touched += 1
            }

        case .samplesConfirmed(let e):
            for confirmed in e.samples {
                guard let current = try load(dataset, confirmed.sampleID, db) else { continue }
                let state: SampleState = confirmed.confirmedLabels.isEmpty ? .unlabeled : .labeled
                try setLabels(current, dataset: dataset, state: state, labels: confirmed.confirmedLabels, position: position, actor: actor, db)
                try audit(confirmed.sampleID, dataset, position, "confirmed",
                    StoredLabels.text(.toBeConfirmed, confirmed.predictedLabels),
                    StoredLabels.text(state, confirmed.confirmedLabels), db)
                touched += 1
            }

        case .samplesRejected(let e):
            for rejected in e.samples {
                guard let current = try load(dataset, rejected.sampleID, db) else { continue }
                try setLabels(current, dataset: dataset, state: .unlabeled, labels: [], position: position, actor: actor, db)
                try audit(rejected.sampleID, dataset, position, "rejected",
                    StoredLabels.text(.toBeConfirmed, rejected.rejectedLabels), "unlabeled", db)
                touched += 1
            }

        case .samplesMarkedHard(let e):
            let reasons = e.reasons.map(\.rawValue)
            for id in e.sampleIDs {
                guard let current = try load(dataset, id, db) else { continue }
                try setHard(current, dataset: dataset, reasons: reasons, coefficient: e.coefficient,
                    origin: "person:\(e.by)", position: position, actor: actor, id: id, db)
                touched += 1
            }

        case .hardMarksCleared(let e):
            for id in e.sampleIDs {
                guard let current = try load(dataset, id, db) else { continue }
                try setHard(current, dataset: dataset, reasons: nil, coefficient: nil, origin: nil,
                    position: position, actor: actor, id: id, db)
                touched += 1
            }

        case .samplesAutoLabeled(let e):
            for sample in e.samples {
                guard let current = try load(dataset, sample.sampleID, db) else { continue }
                let state: SampleState = sample.labels.isEmpty ? .unlabeled : .toBeConfirmed
                try setLabels(current, dataset: dataset, state: state, labels: sample.labels, position: position, actor: actor, db)
                try audit(sample.sampleID, dataset, position, "auto-labeled",
                    StoredLabels.text(current.state, names: current.index), StoredLabels.text(state, sample.labels), db)
                touched += 1
            }

        case .hardExamplesDetected(let e):
            for finding in e.samples {
                guard let current = try load(dataset, finding.sampleID, db) else { continue }
                try setHard(current, dataset: dataset, reasons: finding.reasons.map(\.rawValue),
                    coefficient: finding.coefficient, origin: "task:\(e.taskID)", position: position, actor: actor,
                    id: finding.sampleID, db)
                touched += 1
            }

        case .datasetDeleted:
            touched = try dropDataset(dataset, position: position, db)

        case .autoLabelTaskQueued, .taskStarted, .taskRunning, .taskProgressed, .taskTrainingFinished,
            .taskSucceeded, .taskFailed, .taskStopRequested, .taskStopped, .modelRegistered:
            break
        }
        return touched
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

    private func load(_ dataset: String, _ id: SampleID, _ db: Database) throws -> Current? {
        var select = try PositionalStatement(db, """
            SELECT seq, state, label_index, hard, hard_reasons, hard_coefficient FROM samples
            WHERE dataset = ? AND sample_id = ?
            """)
        select.bind(dataset)
        select.bind(id.rawValue)
        guard try select.step(db) else {
            select.reset()
            return nil
        }
        defer { select.reset() }
        let reasons = select.string(4)
        return Current(
            seq: select.int64(0), state: SampleState(rawValue: Int(select.int64(1))) ?? .unlabeled,
            index: StoredLabels.parseIndex(select.string(2)), hard: select.int64(3) != 0,
            reasons: reasons.isEmpty ? [] : reasons.split(separator: ",").compactMap { Int($0) },
            coefficient: select.double(5))
    }

    private mutating func insert(
        _ sample: NewSample, index: Int, dataset: String, position: UInt64, actor: String, _ db: Database
    ) throws {
        let state: SampleState = !sample.initialLabels.isEmpty
            ? .labeled : sample.initialPredictions.isEmpty ? .unlabeled : .toBeConfirmed
        let labels = state == .labeled ? sample.initialLabels : state == .toBeConfirmed ? sample.initialPredictions : []
        let seq = Int64(position) << 20 | Int64(index)
        let counts = StoredLabels.counts(labels)
        let mark = sample.initialHardMark
        let reasons = mark?.reasons.map(\.rawValue) ?? []
        var insert = try PositionalStatement(db, """
            INSERT INTO samples(seq, dataset, sample_id, name, state, labels, label_index, score, annotated_by,
                hard, hard_reasons, hard_coefficient, hard_origin, width, height, channels, source_path,
                content_sha256, usage, added_position, last_position, last_actor)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        insert.bind(seq)
        insert.bind(dataset)
        insert.bind(sample.id.rawValue)
        insert.bind(sample.name)
        insert.bind(state.rawValue)
        insert.bind(StoredLabels.json(labels))
        insert.bind(StoredLabels.index(counts))
        insert.bind(StoredLabels.score(labels))
        insert.bind(StoredLabels.labeler(labels))
        insert.bind(mark != nil)
        insert.bind(reasons.map(String.init).joined(separator: ","))
        insert.bind(mark?.coefficient)
        insert.bind(mark.map(Self.origin))
        insert.bind(Int64(sample.width))
        insert.bind(Int64(sample.height))
        insert.bind(Int64(sample.channels))
        insert.bind(sample.sourcePath)
        insert.bind(sample.contentSHA256)
        insert.bind(integer: sample.usage?.rawValue)
        insert.bind(position)
        insert.bind(position)
        insert.bind(actor)
        try insert.run(db)
        try insertLabelIndex(seq: seq, dataset: dataset, state: state, counts: counts, db)
        accountLabels(dataset, state, counts, 1)
        accountHard(dataset, mark != nil, reasons, 1)
        var after = StoredLabels.text(state, labels)
        if mark != nil { after += ", " + StoredLabels.hardText(reasons: reasons, coefficient: mark?.coefficient) }
        try audit(sample.id, dataset, position, "added", "", after, db)
    }

    private static func origin(_ mark: HardMark) -> String {
        switch mark.origin {
        case .person(let user): "person:\(user)"
        case .task(let task): "task:\(task)"
        }
    }

    private func insertLabelIndex(
        seq: Int64, dataset: String, state: SampleState, counts: [(name: String, instances: Int)], _ db: Database
    ) throws {
        guard !counts.isEmpty else { return }
        var insert = try PositionalStatement(
            db, "INSERT INTO sample_labels(seq, label, dataset, state, instances) VALUES (?,?,?,?,?)")
        for (name, instances) in counts {
            insert.bind(seq)
            insert.bind(name)
            insert.bind(dataset)
            insert.bind(state.rawValue)
            insert.bind(instances)
            try insert.run(db)
        }
    }

    private mutating func setLabels(
        _ current: Current, dataset: String, state: SampleState, labels: [SampleLabel], position: UInt64, actor: String,
        _ db: Database
    ) throws {
        let counts = StoredLabels.counts(labels)
        accountLabels(dataset, current.state, current.index, -1)
        accountLabels(dataset, state, counts, 1)
        var update = try PositionalStatement(db, """
            UPDATE samples SET state = ?, labels = ?, label_index = ?, score = ?, annotated_by = ?,
                last_position = ?, last_actor = ? WHERE seq = ?
            """)
        update.bind(state.rawValue)
        update.bind(StoredLabels.json(labels))
        update.bind(StoredLabels.index(counts))
        update.bind(StoredLabels.score(labels))
        update.bind(StoredLabels.labeler(labels))
        update.bind(position)
        update.bind(actor)
        update.bind(current.seq)
        try update.run(db)
        if !current.index.isEmpty {
            var delete = try PositionalStatement(db, "DELETE FROM sample_labels WHERE seq = ?")
            delete.bind(current.seq)
            try delete.run(db)
        }
        try insertLabelIndex(seq: current.seq, dataset: dataset, state: state, counts: counts, db)
    }

    private mutating func setHard(
        _ current: Current, dataset: String, reasons: [Int]?, coefficient: Double?, origin: String?, position: UInt64,
        actor: String, id: SampleID, _ db: Database
    ) throws {
        accountHard(dataset, current.hard, current.reasons, -1)
        accountHard(dataset, reasons != nil, reasons ?? [], 1)
        var update = try PositionalStatement(db, """
            UPDATE samples SET hard = ?, hard_reasons = ?, hard_coefficient = ?, hard_origin = ?,
                last_position = ?, last_actor = ? WHERE seq = ?
            """)
        update.bind(reasons != nil)
        update.bind((reasons ?? []).map(String.init).joined(separator: ","))
        update.bind(coefficient)
        update.bind(origin)
        update.bind(position)
        update.bind(actor)
        update.bind(current.seq)
        try update.run(db)
        let before = current.hard ? StoredLabels.hardText(reasons: current.reasons, coefficient: current.coefficient) : "not hard"
        let after = reasons.map { StoredLabels.hardText(reasons: $0, coefficient: coefficient) } ?? "not hard"
        try audit(id, dataset, position, "hard", before, after, db)
    }

    private func audit(
        _ id: SampleID, _ dataset: String, _ position: UInt64, _ change: String, _ before: String, _ after: String,
        _ db: Database
    ) throws {
        var insert = try PositionalStatement(db, """
            INSERT OR REPLACE INTO audit_samples(sample_id, dataset, position, change, before, after) VALUES (?,?,?,?,?,?)
            """)
        insert.bind(id.rawValue)
        insert.bind(dataset)
        insert.bind(position)
        insert.bind(change)
        insert.bind(before)
        insert.bind(after)
        try insert.run(db)
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

    mutating func finish(_ db: Database) throws {
        try flushCounters(db)
        let statement = try db.cachedStatement(sql: "UPDATE datasets SET version = ?, last_position = ? WHERE dataset = ?")
        for (dataset, v) in versions {
            try statement.execute(arguments: [Int64(v.version), Int64(v.position), dataset])
        }
        versions.removeAll(keepingCapacity: true)
    }

    // MARK: - Deletion

    /// `DatasetDeleted`: the dataset's rows leave every table but the audit index, which
    /// keeps its events and gains one "dataset deleted" row per sample it still held (so a
    /// sample's trail ends with the deletion). Counter deltas buffered for the dataset are
    /// written first, then their rows deleted with the rest: nothing of it is left for
    /// ``finish(_:)`` to recreate. Returns the number of samples dropped.
    private mutating func dropDataset(_ dataset: String, position: UInt64, _ db: Database) throws -> Int {
        try flushCounters(db)
        try db.execute(sql: """
            INSERT OR REPLACE INTO audit_samples(sample_id, dataset, position, change, before, after)
            SELECT sample_id, dataset, ?, 'dataset deleted',
                CASE state WHEN 0 THEN 'unlabeled' WHEN 1 THEN 'toBeConfirmed' ELSE 'labeled' END, 'deleted'
            FROM samples WHERE dataset = ?
            """, arguments: [Int64(position), dataset])
        let dropped = db.changesCount
        // By seq through samples_by_id: sample_labels is keyed by seq, not by dataset.
        try db.execute(
            sql: "DELETE FROM sample_labels WHERE seq IN (SELECT seq FROM samples WHERE dataset = ?)", arguments: [dataset])
        for table in ["samples", "labels", "hard_detail_stats", "sample_stats", "datasets"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE dataset = ?", arguments: [dataset])
        }
        return dropped
    }
}
