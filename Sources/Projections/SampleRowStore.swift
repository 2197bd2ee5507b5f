import GRDB
import LabelingDomain

/// Where ``DatasetsApplier`` reads and writes `samples` rows (and their `sample_labels`
/// rows): straight through to SQLite, or through a write-back buffer.
///
/// - ``Mode/direct``: every change is written when it happens (live application, catch-up).
/// - ``Mode/buffered(limit:)``: rows are kept in memory and written by ``flush(_:)``, each
///   once however often it changed, in `seq` order (appends to the table's B-tree). A
///   rebuild's bulk phase uses it: most samples change two or three times, and a
///   row read back from SQLite, decoded, re-encoded and rewritten per event costs more
///   than everything else the rebuild does. When more than `limit` rows are buffered,
///   they are flushed, and later reads fall back to SQLite for rows not buffered, so
///   memory stays bounded whatever the log's size.
///
/// Invariants: a read always sees the latest change, buffered or written; nothing a
/// buffer holds is visible to other connections until ``flush(_:)``, so the owner must
/// flush before it commits a checkpoint that accounts for the buffered events, and
/// before any SQL that reads `samples` or `sample_labels` itself.
struct SampleRowStore {
    enum Mode: Equatable {
        case direct
        case buffered(limit: Int)
    }

    private struct Key: Hashable {
        var dataset: String
        var sampleID: String
    }

    private struct Buffered {
        var row: SampleRow
        /// Whether SQLite holds a version of the row (it was read from there or flushed).
        var inDatabase: Bool
        var dirty: Bool
    }

    let mode: Mode
    private var buffer: [Key: Buffered] = [:]
    /// Rows deleted while buffered whose older version SQLite holds.
    private var deletedSeqs: [Int64] = []
    /// Whether SQLite may hold rows the buffer does not (false for an empty table until
    /// the first flush: a miss then needs no query).
    private var databaseMayHoldRows: Bool?

    init(mode: Mode) {
        self.mode = mode
    }

    var bufferedCount: Int { buffer.count }

    // MARK: - Reading

    mutating func row(_ dataset: String, _ id: SampleID, _ db: Database) throws -> SampleRow? {
        guard case .buffered = mode else { return try Self.load(dataset, id.rawValue, db) }
        let key = Key(dataset: dataset, sampleID: id.rawValue)
        if let hit = buffer[key] { return hit.row }
        if databaseMayHoldRows == nil {
            databaseMayHoldRows = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM samples)") ?? true
        }
        guard databaseMayHoldRows == true, let row = try Self.load(dataset, id.rawValue, db) else { return nil }
        buffer[key] = Buffered(row: row, inDatabase: true, dirty: false)
        return row
    }

    // MARK: - Changing

    mutating func insert(_ row: SampleRow, _ db: Database) throws {
        switch mode {
        case .direct:
            try Self.write(row, replacing: false, db)
            try Self.writeLabelIndex(row, db)
        case .buffered:
            buffer[Key(dataset: row.dataset, sampleID: row.sampleID)] = Buffered(row: row, inDatabase: false, dirty: true)
            try spillIfFull(db)
        }
    }

    /// Stores a change of state, labels, last position and actor.
    mutating func updateLabels(_ row: SampleRow, hadLabels: Bool, _ db: Database) throws {
        switch mode {
        case .direct:
            var update = try PositionalStatement(db, """
                UPDATE samples SET state = ?, labels = ?, label_index = ?, score = ?, annotated_by = ?,
                    last_position = ?, last_actor = ? WHERE seq = ?
                """)
            let counts = row.labelCounts
            update.bind(row.state.rawValue)
            update.bind(StoredLabels.json(row.labels))
            update.bind(StoredLabels.index(counts))
            update.bind(StoredLabels.score(row.labels))
            update.bind(StoredLabels.labeler(row.labels))
            update.bind(row.lastPosition)
            update.bind(row.lastActor)
            update.bind(row.seq)
            try update.run(db)
            if hadLabels { try Self.deleteLabelIndex(row.seq, db) }
            try Self.writeLabelIndex(row, db)
        case .buffered:
            markDirty(row)
        }
    }

    /// Stores a change of the hard mark, last position and actor.
    mutating func updateHard(_ row: SampleRow, _ db: Database) throws {
        switch mode {
        case .direct:
            var update = try PositionalStatement(db, """
                UPDATE samples SET hard = ?, hard_reasons = ?, hard_coefficient = ?, hard_origin = ?,
                    last_position = ?, last_actor = ? WHERE seq = ?
                """)
            update.bind(row.hard)
            update.bind(row.reasonsColumn)
            update.bind(row.hardCoefficient)
            update.bind(row.hardOrigin)
            update.bind(row.lastPosition)
            update.bind(row.lastActor)
            update.bind(row.seq)
            try update.run(db)
        case .buffered:
            markDirty(row)
        }
    }

    mutating func delete(_ row: SampleRow, _ db: Database) throws {
        switch mode {
        case .direct:
            try Self.deleteRow(row.seq, db)
        case .buffered:
            let key = Key(dataset: row.dataset, sampleID: row.sampleID)
            if buffer.removeValue(forKey: key)?.inDatabase ?? true { deletedSeqs.append(row.seq) }
        }
    }

    private mutating func markDirty(_ row: SampleRow) {
        // One lookup, changed in place (the row was just read, so it is nearly always buffered).
        func mark(_ entry: inout Buffered) {
            entry.row = row
            entry.dirty = true
        }
        mark(&buffer[Key(dataset: row.dataset, sampleID: row.sampleID), default: Buffered(row: row, inDatabase: true, dirty: true)])
    }

    private mutating func spillIfFull(_ db: Database) throws {
        guard case .buffered(let limit) = mode, buffer.count > limit else { return }
        try flush(db)
    }

    // MARK: - Flushing

    /// Writes every buffered change (deletions first, then rows in `seq` order) and
    /// empties the buffer. Nothing to do in ``Mode/direct``.
    mutating func flush(_ db: Database) throws {
        guard case .buffered = mode, !buffer.isEmpty || !deletedSeqs.isEmpty else { return }
        for seq in deletedSeqs { try Self.deleteRow(seq, db) }
        deletedSeqs.removeAll()
        // Sorted as (seq, slot) pairs: moving whole rows while sorting costs more than writing them.
        let entries = Array(buffer.values)
        buffer.removeAll()
        var order: [(seq: Int64, slot: Int)] = []
        order.reserveCapacity(entries.count)
        for (slot, entry) in entries.enumerated() where entry.dirty { order.append((entry.row.seq, slot)) }
        order.sort { $0.seq < $1.seq }
        for (_, slot) in order {
            let entry = entries[slot]
            if entry.inDatabase { try Self.deleteLabelIndex(entry.row.seq, db) }
            try Self.write(entry.row, replacing: entry.inDatabase, db)
            try Self.writeLabelIndex(entry.row, db)
        }
        // The rows written are read back by id from now on (a no-op once the index exists).
        try db.execute(sql: ProjectionSchema.samplesByID)
        databaseMayHoldRows = true
    }

    // MARK: - SQL

    private static func load(_ dataset: String, _ id: String, _ db: Database) throws -> SampleRow? {
        var select = try PositionalStatement(db, """
            SELECT seq, name, state, labels, hard, hard_reasons, hard_coefficient, hard_origin, width, height, channels,
                source_path, content_sha256, usage, added_position, last_position, last_actor
            FROM samples WHERE dataset = ? AND sample_id = ?
            """)
        select.bind(dataset)
        select.bind(id)
        defer { select.reset() }
        guard try select.step(db) else { return nil }
        return SampleRow(
            seq: select.int64(0), dataset: dataset, sampleID: id, name: select.string(1),
            state: SampleState(rawValue: Int(select.int64(2))) ?? .unlabeled, labels: StoredLabels.decode(select.string(3)),
            hard: select.int64(4) != 0, hardReasons: SampleRow.parseReasons(select.string(5)),
            hardCoefficient: select.double(6), hardOrigin: select.optionalString(7), width: select.int64(8),
            height: select.int64(9), channels: select.int64(10), sourcePath: select.string(11),
            contentSHA256: select.string(12), usage: select.optionalInt(13), addedPosition: UInt64(select.int64(14)),
            lastPosition: UInt64(select.int64(15)), lastActor: select.string(16))
    }

    private static func write(_ row: SampleRow, replacing: Bool, _ db: Database) throws {
        var insert = try PositionalStatement(db, """
            INSERT \(replacing ? "OR REPLACE " : "")INTO samples(seq, dataset, sample_id, name, state, labels, label_index,
                score, annotated_by, hard, hard_reasons, hard_coefficient, hard_origin, width, height, channels,
                source_path, content_sha256, usage, added_position, last_position, last_actor)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        insert.bind(row.seq)
        insert.bind(row.dataset)
        insert.bind(row.sampleID)
        insert.bind(row.name)
        insert.bind(row.state.rawValue)
        insert.bind(StoredLabels.json(row.labels))
        insert.bind(StoredLabels.index(row.labelCounts))
        insert.bind(StoredLabels.score(row.labels))
        insert.bind(StoredLabels.labeler(row.labels))
        insert.bind(row.hard)
        insert.bind(row.reasonsColumn)
        insert.bind(row.hardCoefficient)
        insert.bind(row.hardOrigin)
        insert.bind(row.width)
        insert.bind(row.height)
        insert.bind(row.channels)
        insert.bind(row.sourcePath)
        insert.bind(row.contentSHA256)
        insert.bind(integer: row.usage)
        insert.bind(row.addedPosition)
        insert.bind(row.lastPosition)
        insert.bind(row.lastActor)
        try insert.run(db)
    }

    /// One `sample_labels` row per distinct visible label name.
    private static func writeLabelIndex(_ row: SampleRow, _ db: Database) throws {
        guard !row.labels.isEmpty else { return }
        var insert = try PositionalStatement(
            db, "INSERT INTO sample_labels(seq, label, dataset, state, instances) VALUES (?,?,?,?,?)")
        for (name, instances) in row.labelCounts {
            insert.bind(row.seq)
            insert.bind(name)
            insert.bind(row.dataset)
            insert.bind(row.state.rawValue)
            insert.bind(instances)
            try insert.run(db)
        }
    }

    private static func deleteLabelIndex(_ seq: Int64, _ db: Database) throws {
        var delete = try PositionalStatement(db, "DELETE FROM sample_labels WHERE seq = ?")
        delete.bind(seq)
        try delete.run(db)
    }

    private static func deleteRow(_ seq: Int64, _ db: Database) throws {
        var delete = try PositionalStatement(db, "DELETE FROM samples WHERE seq = ?")
        delete.bind(seq)
        try delete.run(db)
        try deleteLabelIndex(seq, db)
    }
}
