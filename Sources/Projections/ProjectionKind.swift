import GRDB

/// The projections (read models) built from the log. Each has a stable name — its
/// database file's name under `<data>/projections/` — and a code version.
///
/// Invariant: a projection database whose stored code version differs from
/// ``codeVersion`` is rebuilt from position 0 before it is used (see
/// ``Projector/start()``). Bump ``codeVersion`` whenever the schema or the way events
/// become rows changes, and regenerate the golden dumps in `Snapshots/` in the same commit.
public enum ProjectionKind: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    /// Datasets, samples (tab views), labels and statistics.
    case datasets
    /// Auto-labeling tasks and their event history.
    case tasks
    /// The audit index: every event, and what it did to each sample (before → after).
    case audit

    /// Changes whenever the rows this projection derives from the same events change.
    public var codeVersion: Int {
        switch self {
        case .datasets: 6  // 2: index samples_by_state_hard; 3: the audit tables moved to `audit`; 4: samples_by_dataset and samples_by_state end with score; 5: a model labeler is model:<name>:<version>; 6: deleted_datasets
        case .tasks: 4  // 2: result_skipped, result_skipped_samples; 3: a task's model is <name>:<version>; 4: continuous_settings, models
        case .audit: 4  // 2: no index by recorded time; 3: models named <name>:<version> in summaries; 4: audit_samples.labeler
        }
    }

    public var description: String { rawValue }

    /// The tables of the projection with the columns that order them in dumps and digests.
    var tables: [(name: String, orderBy: String)] {
        switch self {
        case .datasets:
            [
                ("datasets", "dataset"), ("labels", "dataset, ordinal"), ("sample_stats", "dataset"),
                ("hard_detail_stats", "dataset, reason"), ("samples", "seq"), ("sample_labels", "seq, label"),
                ("deleted_datasets", "dataset"),
            ]
        case .tasks:
            [
                ("autolabel_tasks", "dataset, task_id"), ("task_events", "position, dataset, task_id"),
                ("continuous_settings", "dataset"), ("models", "registry, name, version"),
            ]
        case .audit:
            [
                ("audit_events", "position"), ("audit_samples", "position, dataset, sample_id"),
                ("audit_heads", "dataset, sample_id"),
            ]
        }
    }

    /// Creates the tables and indexes in an empty database; with `deferQueryIndexes` (a
    /// rebuild's bulk phase), the indexes only queries need are left to
    /// ``createQueryIndexes(_:)`` and `samples_by_id` to the first flush of the sample rows
    /// (see ``ProjectionSchema/samplesByID``).
    func createSchema(_ db: Database, deferQueryIndexes: Bool = false) throws {
        for statement in schema { try db.execute(sql: statement) }
        if !deferQueryIndexes { try createQueryIndexes(db) }
    }

    /// Creates every index of the projection that does not exist yet (`samples_by_id` too).
    func createQueryIndexes(_ db: Database) throws {
        if self == .datasets { try db.execute(sql: ProjectionSchema.samplesByID) }
        for statement in queryIndexes { try db.execute(sql: statement.replacingOccurrences(of: "CREATE INDEX", with: "CREATE INDEX IF NOT EXISTS")) }
    }

    private var queryIndexes: [String] {
        switch self {
        case .datasets: ProjectionSchema.datasetsQueryIndexes
        case .tasks: ProjectionSchema.tasksQueryIndexes
        case .audit: ProjectionSchema.auditQueryIndexes
        }
    }

    private var schema: [String] {
        switch self {
        case .datasets: ProjectionSchema.datasets
        case .tasks: ProjectionSchema.tasks
        case .audit: ProjectionSchema.audit
        }
    }

    /// Rows buffered in memory by a bulk applier before it spills them to SQLite, unless the
    /// ``Projector`` says otherwise.
    public static let defaultBulkRowLimit = 2_000_000

    /// An applier for one transaction (live), or, with `bulkRowLimit`, one that lives through
    /// a rebuild's whole bulk phase and buffers up to that many rows until
    /// ``EventApplier/complete(_:)``.
    func makeApplier(bulkRowLimit: Int? = nil) -> any EventApplier {
        switch self {
        case .datasets: DatasetsApplier(rows: bulkRowLimit.map { .buffered(limit: $0) } ?? .direct)
        case .tasks: TasksApplier()
        case .audit: AuditApplier(bulk: bulkRowLimit)
        }
    }
}
