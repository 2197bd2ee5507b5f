import EventLog
import Foundation
import GRDB
import LabelingDomain
import LabelingService

/// The `audit` projection: the audit index history queries read instead of the log.
///
/// - `audit_events`: one row per decoded event (`dataset` NULL outside dataset streams),
///   with its envelope, a one-line ``AuditSummary`` and how many samples it changed;
/// - `audit_samples`: one row per (event, sample) it changed, with before → after;
/// - `audit_heads`: each live sample's label state and hard mark (``AuditHeads``), which
///   the next change's "before" is read from.
///
/// It follows the same rules as the `datasets` projection's sample rows: a change to a sample
/// the dataset does not hold changes nothing and is not counted, a sample added twice is
/// added once, and a deleted dataset's samples each get a last "dataset deleted" row (their
/// trail ends with the deletion). It has a database of its own, so a rebuild builds it on
/// one core while `datasets` is built on the other.
struct AuditApplier: EventApplier {
    private var heads: AuditHeads
    private var rows: SampleAuditRows

    /// `bulk`: a rebuild's bulk phase, buffering up to that many changed samples (and twice
    /// as many audit rows) across its transactions; nil: live, written per transaction.
    init(bulk: Int?) {
        heads = AuditHeads(limit: bulk)
        rows = SampleAuditRows(limit: bulk.map { 2 * $0 })
    }

    mutating func apply(_ event: RecordedEvent, _ domain: DomainEvent?, _ db: Database) throws {
        guard let domain else { return }
        let dataset = StreamNames.datasetID(ofStream: event.streamID)?.rawValue
        let touched = try dataset.map { try applyDataset(domain, dataset: $0, position: event.position, db) } ?? 0
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

    mutating func finish(_ db: Database) throws {
        guard heads.limit == nil else { return }
        try heads.flush(db)
    }

    mutating func complete(_ db: Database) throws {
        try heads.flush(db)
        try rows.flush(db)
    }

    /// Records what the event did to each sample; returns how many it changed.
    private mutating func applyDataset(_ domain: DomainEvent, dataset: String, position: UInt64, _ db: Database) throws -> Int {
        var touched = 0
        // Changes the head of a sample the dataset holds and records it; other samples are left alone.
        func change(
            _ id: SampleID, _ kind: String, _ body: (inout AuditHeads.Head) -> (before: String, after: String)
        ) throws {
            guard var head = try heads.head(dataset, id, db) else { return }
            let (before, after) = body(&head)
            try heads.set(head, dataset, id, db)
            try rows.add(id.rawValue, dataset, position, kind, before, after, labeler: head.labels.first?.annotator.labeler.name, db)
            touched += 1
        }
        func relabel(_ head: inout AuditHeads.Head, _ state: SampleState, _ labels: [SampleLabel]) -> String {
            head.state = state
            head.labels = labels
            return StoredLabels.text(state, labels)
        }
        func mark(_ head: inout AuditHeads.Head, _ reasons: [Int], _ coefficient: Double?) -> (String, String) {
            let before = StoredLabels.hardText(reasons: head.hardReasons, coefficient: head.hardCoefficient)
            head.hardReasons = reasons
            head.hardCoefficient = coefficient
            return (before, StoredLabels.hardText(reasons: reasons, coefficient: coefficient))
        }

        switch domain {
        case .samplesAdded(let e):
            for sample in e.samples where try heads.head(dataset, sample.id, db) == nil {
                let state = sample.arrivalState
                let labels = state == .labeled ? sample.initialLabels : state == .toBeConfirmed ? sample.initialPredictions : []
                let mark = sample.initialHardMark
                let head = AuditHeads.Head(
                    state: state, labels: labels, hardReasons: mark?.reasons.map(\.rawValue) ?? [],
                    hardCoefficient: mark?.coefficient)
                var after = StoredLabels.text(state, labels)
                if mark != nil {
                    after += ", " + StoredLabels.hardText(reasons: head.hardReasons, coefficient: mark?.coefficient)
                }
                try heads.set(head, dataset, sample.id, db)
                try rows.add(
                    sample.id.rawValue, dataset, position, "added", "", after, labeler: labels.first?.annotator.labeler.name, db)
                touched += 1
            }

        case .samplesDeleted(let e):
            for sample in e.samples where try heads.head(dataset, sample.id, db) != nil {
                try heads.remove(dataset, sample.id, db)
                try rows.add(sample.id.rawValue, dataset, position, "deleted",
                    StoredLabels.text(sample.previousState, sample.previousLabels), "deleted", labeler: nil, db)
                touched += 1
            }

        case .labelRenamed(let e):
            try renameLabel(e.oldName, to: e.newName, in: dataset, db)

        case .labelDeleted(let e):
            for id in e.strippedSamples {
                try change(id, "label deleted") { head in
                    let before = StoredLabels.text(head.state, head.labels)
                    var labels = head.labels
                    labels.removeAll { $0.name == e.name }
                    let state = head.state != .unlabeled && labels.isEmpty ? .unlabeled : head.state
                    return (before, relabel(&head, state, labels))
                }
            }

        case .sampleLabelsReplaced(let e):
            for c in e.samples {
                try change(c.sampleID, "labels") { head in
                    (StoredLabels.text(c.previousState, c.previousLabels),
                        relabel(&head, c.newLabels.isEmpty ? .unlabeled : .labeled, c.newLabels))
                }
            }

        case .samplesConfirmed(let e):
            for c in e.samples {
                try change(c.sampleID, "confirmed") { head in
                    (StoredLabels.text(.toBeConfirmed, c.predictedLabels),
                        relabel(&head, c.confirmedLabels.isEmpty ? .unlabeled : .labeled, c.confirmedLabels))
                }
            }

        case .samplesRejected(let e):
            for r in e.samples {
                try change(r.sampleID, "rejected") { head in
                    (StoredLabels.text(.toBeConfirmed, r.rejectedLabels), relabel(&head, .unlabeled, []))
                }
            }

        case .samplesAutoLabeled(let e):
            for s in e.samples {
                try change(s.sampleID, "auto-labeled") { head in
                    (StoredLabels.text(head.state, names: StoredLabels.counts(head.labels)),
                        relabel(&head, s.labels.isEmpty ? .unlabeled : .toBeConfirmed, s.labels))
                }
            }

        case .samplesMarkedHard(let e):
            let reasons = e.reasons.map(\.rawValue)
            for id in e.sampleIDs {
                try change(id, "hard") { mark(&$0, reasons, e.coefficient) }
            }

        case .hardExamplesDetected(let e):
            for finding in e.samples {
                try change(finding.sampleID, "hard") { mark(&$0, finding.reasons.map(\.rawValue), finding.coefficient) }
            }

        case .hardMarksCleared(let e):
            for id in e.sampleIDs {
                try change(id, "hard") { mark(&$0, [], nil) }
            }

        case .datasetDeleted:
            // Reads and deletes heads through SQL: buffered changes go first.
            try heads.flush(db)
            try db.execute(sql: """
                INSERT OR REPLACE INTO audit_samples(sample_id, dataset, position, change, before, after)
                SELECT sample_id, dataset, ?, 'dataset deleted',
                    CASE state WHEN 0 THEN 'unlabeled' WHEN 1 THEN 'toBeConfirmed' ELSE 'labeled' END, 'deleted'
                FROM audit_heads WHERE dataset = ?
                """, arguments: [Int64(position), dataset])
            touched = db.changesCount
            try db.execute(sql: "DELETE FROM audit_heads WHERE dataset = ?", arguments: [dataset])

        case .datasetCreated, .labelsAdded, .autoLabelTaskQueued, .taskStarted, .taskRunning, .taskProgressed,
            .taskTrainingFinished, .taskSucceeded, .taskFailed, .taskStopRequested, .taskStopped, .modelRegistered,
            .continuousAutoLabelingConfigured:
            break
        }
        return touched
    }

    /// The label's new name on every head carrying it (their later "before" shows it), as
    /// the `datasets` projection renames it on the samples.
    private mutating func renameLabel(_ old: String, to new: String, in dataset: String, _ db: Database) throws {
        try heads.flush(db)
        let carriers = try Row.fetchAll(
            db, sql: "SELECT sample_id, labels FROM audit_heads WHERE dataset = ? AND labels <> '[]'", arguments: [dataset])
        for row in carriers {
            let id = SampleID(row[0] as String)
            guard var head = try heads.head(dataset, id, db), head.labels.contains(where: { $0.name == old }) else { continue }
            for i in head.labels.indices where head.labels[i].name == old { head.labels[i].name = new }
            try heads.set(head, dataset, id, db)
        }
        try heads.flush(db)
    }
}
