import Foundation
import GRDB
import GRDBSQLite
import LabelingDomain

/// The read side the HTTP layer and the CLI call: tabs, statistics, tasks and audit
/// history, answered from the live projection generations (never from the log).
///
/// ```swift
/// let queries = ProjectionQueries(store: store)
/// let page = try queries.samples(SampleQuery(dataset: "ds-1", tab: .labeled, labelName: "cat", limit: 100))
/// let stats = try queries.stats(of: "ds-1")
/// let tasks = try queries.tasks(of: "ds-1", type: .autoLabel)
/// let trail = try queries.history(HistoryQuery(.sample("img-7", dataset: "ds-1")))
/// ```
///
/// Invariants: every method reads one generation in one read transaction (a consistent
/// snapshot as of one checkpoint), so answers stay right during a rebuild and its swap;
/// every tab query is answered through an index (see `ProjectionSchema`).
///
/// Thread-safety: a value type over the `Sendable` store; call from any task.
public struct ProjectionQueries: Sendable {
    public let store: ProjectionStore
    /// Generations read instead of the store's live ones (an as-of scratch projection, see
    /// ``asOf(_:log:upTo:scratch:_:)``).
    let pinned: [ProjectionKind: ProjectionGeneration]

    public init(store: ProjectionStore) {
        self.store = store
        self.pinned = [:]
    }

    init(store: ProjectionStore, pinned: [ProjectionKind: ProjectionGeneration]) {
        self.store = store
        self.pinned = pinned
    }

    /// The generation of `kind` a query reads: a pinned one, else the live one.
    func generation(_ kind: ProjectionKind) -> ProjectionGeneration {
        pinned[kind] ?? store.generation(kind)
    }

    // MARK: - Tabs

    /// Score ranges narrower than this are searched through the score index.
    static let narrowScoreRange = 0.05

    /// One page of a tab. See ``SampleQuery`` for the filters and paging rules.
    public func samples(_ query: SampleQuery) throws(ProjectionError) -> SamplePage {
        let (sql, arguments) = try Self.tabSQL(query, columns: "s.*")
        let generation = generation(.datasets)
        let rows: [SampleView]
        do {
            rows = try generation.pool.read { db in
                try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(Self.sampleView)
            }
        } catch {
            throw ProjectionError.wrap("datasets", error)
        }
        let page = Array(rows.prefix(query.limit))
        let next = rows.count > query.limit ? page.last.map { SampleCursor(sortKey: $0.sortKey, order: query.order) } : nil
        return SamplePage(samples: page, nextCursor: next)
    }

    /// The same page as ``samples(_:)`` with the dataset's labeling type: what the API's
    /// tab listing shows.
    /// - Throws: ``ProjectionError/datasetNotFound(_:)`` when the projection has no such dataset.
    public func tab(_ query: SampleQuery) throws(ProjectionError) -> TabPage {
        let (sql, arguments) = try Self.tabSQL(query, columns: "s.*")
        let generation = generation(.datasets)
        let found: TabPage?
        do {
            // Outside a transaction: the page is one SELECT (its own snapshot) and the dataset's
            // type never changes, so BEGIN and COMMIT would buy nothing on this hot path.
            found = try generation.pool.unsafeRead { db in
                guard let type = try Self.labelingType(of: query.dataset, db) else { return nil }
                let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(Self.sampleView)
                let page = Array(rows.prefix(query.limit))
                let next = rows.count > query.limit ? page.last.map { SampleCursor(sortKey: $0.sortKey, order: query.order) } : nil
                return TabPage(type: type, samples: page, nextCursor: next)
            }
        } catch {
            throw ProjectionError.wrap("datasets", error)
        }
        guard let found else { throw .datasetNotFound(query.dataset) }
        return found
    }

    private static func labelingType(of dataset: DatasetID, _ db: Database) throws -> LabelingType? {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT type FROM datasets WHERE dataset = ?"), arguments: [dataset.rawValue])
            .map { LabelingType(rawValue: $0) ?? .imageClassification }
    }

    /// The SQL of a tab page (one row more than the limit: whether a next page exists),
    /// selecting `columns` of `samples s`. The first selected column must be `s.seq`.
    static func tabSQL(_ query: SampleQuery, columns: String) throws(ProjectionError) -> (String, StatementArguments) {
        try query.validate()
        var sql: String
        var arguments: StatementArguments = []
        let key: String
        // A name prefix without a label name: matches are found through the name index, so
        // the cost follows the number of names with the prefix, never the size of the
        // dataset. That index holds each name's seq (the rowid), so the page's keys are
        // picked from it first (reading rows only for other filters), and only the page's
        // rows are then read and sorted.
        let byName = query.labelName == nil && !(query.namePrefix ?? "").isEmpty
        if let label = query.labelName {
            key = "l.seq"
            sql = """
                SELECT \(columns) FROM sample_labels l \(query.tab == .all ? "INDEXED BY sample_labels_by_label_all" : "")
                JOIN samples s ON s.seq = l.seq WHERE l.dataset = ? AND l.label = ?
                """
            arguments += [query.dataset.rawValue, label]
            if let state = query.tab.state {
                sql += " AND l.state = ?"
                arguments += [state.rawValue]
            }
        } else {
            key = "s.seq"
            sql = byName
                ? "SELECT s.seq FROM samples s INDEXED BY samples_by_name WHERE s.dataset = ?"
                : "SELECT \(columns) FROM samples s WHERE s.dataset = ?"
            arguments += [query.dataset.rawValue]
            if let state = query.tab.state {
                sql += " AND s.state = ?"
                arguments += [state.rawValue]
            }
        }
        if let hard = query.hard {
            sql += " AND s.hard = ?"
            arguments += [hard]
        }
        if let labeler = query.labeler {
            sql += " AND s.annotated_by = ?"
            arguments += [labeler.name]
        }
        if let range = query.scoreRange {
            // Planner hint: a wide range matches many samples, so walking the tab in sort
            // order and filtering stops after one page; only a narrow range is worth the
            // score index (whose matches must then be sorted).
            let column = range.upperBound - range.lowerBound >= Self.narrowScoreRange ? "+s.score" : "s.score"
            sql += " AND \(column) BETWEEN ? AND ?"
            arguments += [range.lowerBound, range.upperBound]
        }
        if let prefix = query.namePrefix, !prefix.isEmpty {
            sql += " AND s.name >= ? AND s.name < ?"
            arguments += [prefix, prefix + "\u{10FFFF}"]
        }
        if let cursor = query.cursor {
            sql += query.order == .desc ? " AND \(key) < ?" : " AND \(key) > ?"
            arguments += [cursor.sortKey]
        }
        let direction = query.order == .desc ? "DESC" : "ASC"
        sql += " ORDER BY \(key) \(direction) LIMIT ? OFFSET ?"
        arguments += [query.limit + 1, query.offset]
        if byName {
            sql = "SELECT \(columns) FROM samples s WHERE s.seq IN (\(sql)) ORDER BY s.seq \(direction)"
        }
        return (sql, arguments)
    }

    /// Whether any sample of `dataset` (in any state) has `labeler` as its labeler: a tab
    /// filter naming a labeler the dataset has never seen is a mistake, not an empty page.
    public func hasLabeler(_ labeler: Labeler, in dataset: DatasetID) throws(ProjectionError) -> Bool {
        try read(.datasets) { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM samples WHERE dataset = ? AND annotated_by = ?)",
                arguments: [dataset.rawValue, labeler.name]) ?? false
        }
    }

    /// One sample, or nil when the dataset has no such sample.
    public func sample(_ id: SampleID, in dataset: DatasetID) throws(ProjectionError) -> SampleView? {
        try read(.datasets) { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM samples WHERE dataset = ? AND sample_id = ?", arguments: [dataset.rawValue, id.rawValue]
            ).map(Self.sampleView)
        }
    }

    /// One sample with its dataset's labeling type; the sample nil when the dataset has no
    /// such sample.
    /// - Throws: ``ProjectionError/datasetNotFound(_:)`` when the projection has no such dataset.
    public func sample(_ id: SampleID, ofDataset dataset: DatasetID) throws(ProjectionError) -> (type: LabelingType, sample: SampleView?) {
        let found: (type: LabelingType, sample: SampleView?)? = try read(.datasets) { db in
            guard let type = try Self.labelingType(of: dataset, db) else { return nil }
            let sample = try Row.fetchOne(
                db, sql: "SELECT * FROM samples WHERE dataset = ? AND sample_id = ?", arguments: [dataset.rawValue, id.rawValue]
            ).map(Self.sampleView)
            return (type, sample)
        }
        guard let found else { throw .datasetNotFound(dataset) }
        return found
    }

    /// Decodes a `samples` row selected with `*` (columns in the table's order, see
    /// ``ProjectionSchema``). Columns are read by index: name lookups cost more than the
    /// rest of the row on a page of 100.
    static func sampleView(_ row: Row) -> SampleView {
        let reasons: String = row[10]
        let annotatedBy: String? = row[8]
        let usage: Int? = row[18]
        return SampleView(
            dataset: DatasetID(row[1] as String), id: SampleID(row[2] as String), name: row[3],
            state: SampleState(rawValue: row[4]) ?? .unlabeled, labels: StoredLabels.decode(row[5]),
            score: row[7], labeler: annotatedBy.flatMap { Labeler($0) }, isHard: row[9],
            hardReasons: reasons.isEmpty ? [] : reasons.split(separator: ",").compactMap { Int($0).flatMap(HardReason.init(rawValue:)) },
            hardCoefficient: row[11], hardOrigin: row[12], width: row[13],
            height: row[14], channels: row[15], sourcePath: row[16],
            contentSHA256: row[17], usage: usage.flatMap(SampleUsage.init(rawValue:)),
            addedPosition: UInt64(row[19] as Int64), lastPosition: UInt64(row[20] as Int64),
            lastActor: row[21], sortKey: row[0])
    }

    // MARK: - Statistics

    /// The dataset's `label_stats`, `sample_stats` and `hard_detail_stats`.
    /// - Throws: ``ProjectionError/datasetNotFound(_:)`` when the projection has no such dataset.
    public func stats(of dataset: DatasetID) throws(ProjectionError) -> DatasetStats {
        let stats: DatasetStats? = try read(.datasets) { db in
            guard let head = try Row.fetchOne(db, sql: """
                SELECT d.name, d.type, d.version, d.last_position, s.un_annotation, s.manual_annotation,
                    s.auto_annotation, s.total, s.hard_samples
                FROM datasets d JOIN sample_stats s ON s.dataset = d.dataset WHERE d.dataset = ?
                """, arguments: [dataset.rawValue])
            else { return nil }
            let labelRows = try Row.fetchAll(db, sql: """
                SELECT name, color, count, sample_count, pending_sample_count FROM labels WHERE dataset = ? ORDER BY ordinal
                """, arguments: [dataset.rawValue])
            var labels: [DatasetStats.LabelStatistic] = []
            for row in labelRows {
                let name: String = row[0]
                let color: String = row[1]
                let count: Int = row[2]
                let sampleCount: Int = row[3]
                let pending: Int = row[4]
                labels.append(DatasetStats.LabelStatistic(
                    name: name, color: color, count: count, sampleCount: sampleCount, pendingSampleCount: pending))
            }
            var reasons: [HardReason: Int] = [:]
            let reasonRows = try Row.fetchAll(
                db, sql: "SELECT reason, samples FROM hard_detail_stats WHERE dataset = ?", arguments: [dataset.rawValue])
            for row in reasonRows {
                let code: Int = row[0]
                let samples: Int = row[1]
                if let reason = HardReason(rawValue: code) { reasons[reason] = samples }
            }
            return DatasetStats(
                dataset: dataset, name: head[0], type: LabelingType(rawValue: head[1]) ?? .imageClassification,
                version: UInt64(head[2] as Int64), lastPosition: UInt64(head[3] as Int64),
                sampleStats: DatasetSummary.SampleStats(
                    unAnnotation: head[4], manualAnnotation: head[5], autoAnnotation: head[6], total: head[7]),
                labelStats: labels, hardSamples: head[8], hardDetailStats: reasons)
        }
        guard let stats else { throw .datasetNotFound(dataset) }
        return stats
    }

    /// Every dataset the projection knows, by id.
    public func datasetIDs() throws(ProjectionError) -> [DatasetID] {
        try read(.datasets) { db in
            try String.fetchAll(db, sql: "SELECT dataset FROM datasets ORDER BY dataset").map { DatasetID($0) }
        }
    }

    /// The datasets that existed at `position`: created at or before it and not deleted by
    /// then. Read from the audit index, which keeps deleted datasets (the `datasets` table
    /// does not): a dataset's stream opens with its creation and a deletion is its last
    /// event (a deleted dataset refuses every command), so each dataset costs three seeks in
    /// `audit_events_by_dataset` — the next dataset id, its first event, its last event at
    /// or before `position` — however long its trail.
    public func datasetIDs(asOfPosition position: UInt64) throws(ProjectionError) -> [DatasetID] {
        try read(.audit) { db in
            try String.fetchAll(db, sql: """
                WITH RECURSIVE ids(dataset) AS (
                    SELECT MIN(dataset) FROM audit_events WHERE dataset IS NOT NULL
                    UNION ALL
                    SELECT (SELECT MIN(dataset) FROM audit_events WHERE dataset > ids.dataset)
                    FROM ids WHERE ids.dataset IS NOT NULL)
                SELECT dataset FROM ids
                WHERE dataset IS NOT NULL
                    AND (SELECT type FROM audit_events e WHERE e.dataset = ids.dataset AND e.position <= ?1
                        ORDER BY e.position LIMIT 1) = 'DatasetCreated'
                    AND (SELECT type FROM audit_events e WHERE e.dataset = ids.dataset AND e.position <= ?1
                        ORDER BY e.position DESC LIMIT 1) <> 'DatasetDeleted'
                ORDER BY dataset
                """, arguments: [Int64(min(position, UInt64(Int64.max)))]).map { DatasetID($0) }
        }
    }

    // MARK: - Tasks

    /// The dataset's auto-labeling tasks, newest first, with their nested events.
    /// `limit` 1…100.
    public func tasks(
        of dataset: DatasetID, type: TaskType? = nil, offset: Int = 0, limit: Int = 100
    ) throws(ProjectionError) -> TaskList {
        guard (1...100).contains(limit) else { throw .invalidQuery(field: "limit", reason: "\(limit) is outside 1…100") }
        guard offset >= 0 else { throw .invalidQuery(field: "offset", reason: "\(offset) is negative") }
        return try read(.tasks) { db in
            var filter = "dataset = ?"
            var arguments: StatementArguments = [dataset.rawValue]
            if let type {
                filter += " AND task_type = ?"
                arguments += [type.rawValue]
            }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM autolabel_tasks WHERE \(filter)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM autolabel_tasks WHERE \(filter) ORDER BY queued_position DESC LIMIT ? OFFSET ?",
                arguments: arguments + [limit, offset])
            return TaskList(tasks: try rows.map { try Self.taskView($0, db) }, totalCount: total)
        }
    }

    /// One task with its history, or nil.
    public func task(_ id: TaskID, of dataset: DatasetID) throws(ProjectionError) -> TaskView? {
        try read(.tasks) { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM autolabel_tasks WHERE dataset = ? AND task_id = ?",
                arguments: [dataset.rawValue, id.rawValue]
            ).map { try Self.taskView($0, db) }
        }
    }

    static func taskView(_ row: Row, _ db: Database) throws -> TaskView {
        let dataset: String = row["dataset"]
        let id: String = row["task_id"]
        let events = try Row.fetchAll(db, sql: """
            SELECT position, type, status, at, actor, detail FROM task_events WHERE dataset = ? AND task_id = ? ORDER BY position
            """, arguments: [dataset, id]).map {
                TaskView.Event(
                    position: UInt64($0[0] as Int64), type: $0[1], status: TaskStatus(rawValue: $0[2]) ?? .queuing,
                    at: Instant(microsecondsSince1970: $0[3]), actor: $0[4], detail: $0[5])
            }
        let status = TaskStatus(rawValue: row["status"]) ?? .queuing
        let phase = (row["phase"] as Int?).flatMap(TaskPhase.init(rawValue:))
        let startedAt = (row["started_at"] as Int64?).map(Instant.init(microsecondsSince1970:))
        let endedAt = (row["ended_at"] as Int64?).map(Instant.init(microsecondsSince1970:))
        let lastEventAt: Int64 = row["last_event_at"]
        let metricsJSON: String = row["metrics"]
        let metrics = (try? JSONSerialization.jsonObject(with: Data(metricsJSON.utf8))) as? [String: Double] ?? [:]
        var result: TaskResultCounts?
        if let total = row["result_total"] as Int64? {
            result = TaskResultCounts(
                totalSamples: UInt64(total), autoLabeledSamples: UInt64(row["result_auto_labeled"] as Int64),
                hardExamples: UInt64(row["result_hard_examples"] as Int64),
                flattenedRGBAImages: UInt64(row["result_flattened_rgba"] as Int64))
        }
        return TaskView(
            dataset: DatasetID(dataset), id: TaskID(id), type: TaskType(rawValue: row["task_type"]) ?? .autoLabel,
            algorithm: AutoLabelAlgorithm(rawValue: row["algorithm"]) ?? .fast, model: row["model"],
            targetAccuracy: row["target_accuracy"], requestedBy: row["requested_by"], status: status,
            queuedAt: Instant(microsecondsSince1970: row["queued_at"]), startedAt: startedAt, endedAt: endedAt,
            progress: row["progress"], phase: phase, processed: (row["processed"] as Int64?).map(UInt64.init),
            total: (row["total"] as Int64?).map(UInt64.init), metrics: metrics, failureCode: row["failure_code"],
            failureMessage: row["failure_message"],
            autoLabeledSamples: UInt64(row["auto_labeled_samples"] as Int64),
            hardExamples: UInt64(row["hard_examples"] as Int64), result: result, stopRequestedBy: row["stop_requested_by"],
            elapsedMicroseconds: startedAt.map { (endedAt?.microsecondsSince1970 ?? lastEventAt) - $0.microsecondsSince1970 },
            phases: TaskView.phases(status: status, phase: phase, started: startedAt != nil), events: events)
    }

    // MARK: - History

    /// The audit trail of a sample, a dataset or an actor, in log order, from the audit
    /// index (never from the log). Time bounds become a position range first: the log's
    /// recorded times never decrease along positions.
    public func history(_ query: HistoryQuery) throws(ProjectionError) -> [HistoryEntry] {
        guard (1...100_000).contains(query.limit) else {
            throw .invalidQuery(field: "limit", reason: "\(query.limit) is outside 1…100000")
        }
        let since = try query.since.map { date throws(ProjectionError) in try Self.micros(date, field: "since") }
        let until = try query.until.map { date throws(ProjectionError) in try Self.micros(date, field: "until") }
        return try read(.audit) { db in
            var low = Int64(query.afterPosition) + 1
            var high = Int64.max
            if let since {
                guard let first = try Self.firstPosition(recordedAtOrAfter: since, db) else { return [] }
                low = max(low, first)
            }
            if let until {
                // Everything before the first event recorded after `until` (an empty range when that is the first event).
                let (end, overflow) = until.addingReportingOverflow(1)
                if !overflow, let after = try Self.firstPosition(recordedAtOrAfter: end, db) { high = after - 1 }
            }
            let columns = """
                e.position, e.recorded_at, e.actor, e.type, e.stream, e.dataset, e.command_id, e.correlation_id,
                e.summary, e.sample_count
                """
            switch query.subject {
            case .sample(let id, let dataset):
                var sql = """
                    SELECT \(columns), a.sample_id, a.change, a.before, a.after, a.labeler FROM audit_samples a
                    JOIN audit_events e ON e.position = a.position
                    WHERE a.sample_id = ? AND a.position BETWEEN ? AND ?
                    """
                var arguments: StatementArguments = [id.rawValue, low, high]
                if let dataset {
                    sql += " AND a.dataset = ?"
                    arguments += [dataset.rawValue]
                }
                sql += " ORDER BY a.position LIMIT ?"
                return try Row.fetchAll(db, sql: sql, arguments: arguments + [query.limit]).map { row in
                    var entry = Self.historyEntry(row)
                    entry.sample = HistoryEntry.SampleChange(
                        sampleID: SampleID(row[10] as String), change: row[11], before: row[12], after: row[13],
                        labeler: (row[14] as String?).flatMap { Labeler($0) })
                    return entry
                }
            case .dataset(let dataset):
                return try Row.fetchAll(db, sql: """
                    SELECT \(columns) FROM audit_events e WHERE e.dataset = ? AND e.position BETWEEN ? AND ?
                    ORDER BY e.position LIMIT ?
                    """, arguments: [dataset.rawValue, low, high, query.limit]).map(Self.historyEntry)
            case .actor(let actor):
                return try Row.fetchAll(db, sql: """
                    SELECT \(columns) FROM audit_events e WHERE e.actor = ? AND e.position BETWEEN ? AND ?
                    ORDER BY e.position LIMIT ?
                    """, arguments: [actor, low, high, query.limit]).map(Self.historyEntry)
            }
        }
    }

    /// Microseconds since 1970, saturated to `Int64`'s range (times past it bound nothing);
    /// a time that is not a number is refused as an invalid `field`.
    private static func micros(_ date: Date, field: String) throws(ProjectionError) -> Int64 {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if micros.isNaN { throw .invalidQuery(field: field, reason: "is not a time") }
        if micros >= 9.2e18 { return .max }
        if micros <= -9.2e18 { return .min }
        return Int64(micros)
    }

    /// The position of the first audited event recorded at or after `micros`, nil when there
    /// is none: a binary search over positions (about 2·log₂ n primary-key lookups), which
    /// is exact because the log's recorded times never decrease along positions — so no
    /// index over the times is kept (nor built by a rebuild). Positions may have gaps
    /// (events that do not decode are not audited); each probe reads the first row at or
    /// after its position.
    static func firstPosition(recordedAtOrAfter micros: Int64, _ db: Database) throws -> Int64? {
        let probe = try db.cachedStatement(sql: """
            SELECT position, recorded_at FROM audit_events WHERE position >= ? ORDER BY position LIMIT 1
            """)
        func row(atOrAfter position: Int64) throws -> (position: Int64, recordedAt: Int64)? {
            try Row.fetchOne(probe, arguments: [position]).map { ($0[0], $0[1]) }
        }
        guard let last = try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM audit_events") else { return nil }
        // Invariant: every row before `low` was recorded before `micros`; the first row at or
        // after `high` (if any) was recorded at or after it.
        var low: Int64 = 0, high = last + 1
        while low < high {
            let middle = low + (high - low) / 2
            if let found = try row(atOrAfter: middle), found.recordedAt < micros {
                low = found.position + 1
            } else {
                high = middle
            }
        }
        return try row(atOrAfter: low)?.position
    }

    private static func historyEntry(_ row: Row) -> HistoryEntry {
        let recordedAt: Int64 = row[1]
        return HistoryEntry(
            position: UInt64(row[0] as Int64), recordedAt: Date(timeIntervalSince1970: Double(recordedAt) / 1_000_000),
            actor: row[2], type: row[3], stream: row[4], dataset: (row[5] as String?).map { DatasetID($0) },
            commandID: row[6], correlationID: row[7], summary: row[8], sampleCount: row[9], sample: nil)
    }

    // MARK: - Reading

    func read<T>(_ kind: ProjectionKind, _ body: (Database) throws -> T) throws(ProjectionError) -> T {
        let generation = generation(kind)
        do {
            return try generation.pool.read(body)
        } catch {
            throw ProjectionError.wrap(kind.rawValue, error)
        }
    }
}
