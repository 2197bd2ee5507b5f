import GRDB

/// Where ``DatasetsApplier`` writes `audit_samples` rows (one per event and sample it
/// changed): at once, or — in a rebuild's bulk phase — collected and written in primary-key
/// order by ``flush(_:)``. The table's key (sample id, dataset, position) has nothing to
/// do with the log's order, so rows written as events come land all over its B-tree;
/// sorted, they are appends.
///
/// Invariants: rows with the same key keep the last one written (as `INSERT OR REPLACE`
/// does); at most `limit` rows wait in memory before they are flushed; the owner flushes
/// before it commits the checkpoint that accounts for them.
struct SampleAuditRows {
    private struct Row {
        var sampleID: String
        var dataset: String
        var position: UInt64
        /// Arrival order: the tiebreak that makes the last of equal keys win.
        var order: Int
        var change: String
        var before: String
        var after: String
        var labeler: String?
    }

    /// nil: write through.
    let limit: Int?
    private var pending: [Row] = []

    init(limit: Int?) {
        self.limit = limit
    }

    mutating func add(
        _ sampleID: String, _ dataset: String, _ position: UInt64, _ change: String, _ before: String, _ after: String,
        labeler: String?, _ db: Database
    ) throws {
        let row = Row(
            sampleID: sampleID, dataset: dataset, position: position, order: pending.count, change: change, before: before,
            after: after, labeler: labeler)
        guard let limit else { return try Self.write(row, db) }
        pending.append(row)
        if pending.count >= limit { try flush(db) }
    }

    mutating func flush(_ db: Database) throws {
        guard !pending.isEmpty else { return }
        pending.sort { a, b in
            if a.sampleID != b.sampleID { return a.sampleID < b.sampleID }
            if a.dataset != b.dataset { return a.dataset < b.dataset }
            if a.position != b.position { return a.position < b.position }
            return a.order < b.order
        }
        for row in pending { try Self.write(row, db) }
        pending.removeAll()
    }

    private static func write(_ row: Row, _ db: Database) throws {
        var insert = try PositionalStatement(db, """
            INSERT OR REPLACE INTO audit_samples(sample_id, dataset, position, change, before, after, labeler)
            VALUES (?,?,?,?,?,?,?)
            """)
        insert.bind(row.sampleID)
        insert.bind(row.dataset)
        insert.bind(row.position)
        insert.bind(row.change)
        insert.bind(row.before)
        insert.bind(row.after)
        insert.bind(row.labeler)
        try insert.run(db)
    }
}
