import GRDB
import LabelingDomain

/// Where ``AuditApplier`` keeps each live sample's label state and hard mark (the
/// `audit_heads` table): what the trail last said of the sample, so the next change can
/// say what it was before. Changes are kept in memory and written by ``flush(_:)``, in
/// key order: once per transaction when applying live (``AuditApplier/finish(_:)``), once
/// per `limit` samples in a rebuild's bulk phase.
///
/// Invariants: a read sees the latest change, written or not; a removed sample reads as
/// absent; the owner flushes before it commits the checkpoint that accounts for the
/// changes, and before any SQL that reads `audit_heads` itself.
struct AuditHeads {
    struct Head: Equatable {
        var state: SampleState
        /// Labels when labeled, predictions when to be confirmed, nothing when unlabeled.
        var labels: [SampleLabel]
        /// Empty when not hard.
        var hardReasons: [Int]
        var hardCoefficient: Double?
    }

    private struct Key: Hashable, Comparable {
        var dataset: String
        var sampleID: String

        static func < (a: Key, b: Key) -> Bool {
            a.dataset != b.dataset ? a.dataset < b.dataset : a.sampleID < b.sampleID
        }
    }

    /// Changes not written yet (nil: removed) and heads read back unchanged.
    private var changed: [Key: Head?] = [:]
    private var read: [Key: Head] = [:]
    /// Whether the table may hold heads `changed` does not (false for an empty table until
    /// the first flush: a miss then needs no query).
    private var tableMayHoldHeads: Bool?
    /// Buffered changes that trigger a flush (nil: only ``flush(_:)`` writes).
    let limit: Int?

    init(limit: Int?) {
        self.limit = limit
    }

    // MARK: - Reading

    mutating func head(_ dataset: String, _ id: SampleID, _ db: Database) throws -> Head? {
        let key = Key(dataset: dataset, sampleID: id.rawValue)
        if let hit = changed[key] { return hit }
        if let hit = read[key] { return hit }
        if tableMayHoldHeads == nil {
            tableMayHoldHeads = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM audit_heads)") ?? true
        }
        guard tableMayHoldHeads == true else { return nil }
        var select = try PositionalStatement(db, """
            SELECT state, labels, hard_reasons, hard_coefficient FROM audit_heads WHERE dataset = ? AND sample_id = ?
            """)
        select.bind(dataset)
        select.bind(id.rawValue)
        defer { select.reset() }
        guard try select.step(db) else { return nil }
        let head = Head(
            state: SampleState(rawValue: Int(select.int64(0))) ?? .unlabeled, labels: StoredLabels.decode(select.string(1)),
            hardReasons: SampleRow.parseReasons(select.string(2)), hardCoefficient: select.double(3))
        read[key] = head
        return head
    }

    // MARK: - Changing

    mutating func set(_ head: Head, _ dataset: String, _ id: SampleID, _ db: Database) throws {
        changed[Key(dataset: dataset, sampleID: id.rawValue)] = .some(head)
        try flushIfFull(db)
    }

    mutating func remove(_ dataset: String, _ id: SampleID, _ db: Database) throws {
        changed[Key(dataset: dataset, sampleID: id.rawValue)] = .some(nil)
        try flushIfFull(db)
    }

    private mutating func flushIfFull(_ db: Database) throws {
        if let limit, changed.count + read.count >= limit { try flush(db) }
    }

    // MARK: - Writing

    /// Writes every change in key order (appends to the table's B-tree in a rebuild) and
    /// forgets what it read.
    mutating func flush(_ db: Database) throws {
        read.removeAll()
        guard !changed.isEmpty else { return }
        let keys = changed.keys.sorted()
        var upsert = try PositionalStatement(db, """
            INSERT OR REPLACE INTO audit_heads(dataset, sample_id, state, labels, hard_reasons, hard_coefficient)
            VALUES (?,?,?,?,?,?)
            """)
        var delete = try PositionalStatement(db, "DELETE FROM audit_heads WHERE dataset = ? AND sample_id = ?")
        for key in keys {
            if let head = changed[key]! {
                upsert.bind(key.dataset)
                upsert.bind(key.sampleID)
                upsert.bind(head.state.rawValue)
                upsert.bind(StoredLabels.json(head.labels))
                upsert.bind(head.hardReasons.map(String.init).joined(separator: ","))
                upsert.bind(head.hardCoefficient)
                try upsert.run(db)
            } else if tableMayHoldHeads != false {
                delete.bind(key.dataset)
                delete.bind(key.sampleID)
                try delete.run(db)
            }
        }
        changed.removeAll()
        tableMayHoldHeads = true
    }
}
