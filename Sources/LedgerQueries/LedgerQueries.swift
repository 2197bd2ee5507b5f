import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Projections

/// Every read the server and the command line make of one data directory: dataset list and
/// info, tabs and single samples, statistics, tasks, the task queue's length, history, the
/// log's head and position at a time, and views as of a position.
///
/// ```swift
/// let queries = LedgerQueries(log: log, store: store)
/// let page = try await queries.samples(SampleQuery(dataset: "demo/1", tab: .labeled, limit: 100))
/// let then = try await queries.stats(of: "demo/1", asOf: 1_200)
/// let datasets = try await queries.datasets(inProject: "demo")
/// ```
///
/// Invariants:
/// - Current reads come from the projections (never from the write side's dataset actors);
///   as-of reads — the dataset, its tabs, its stats — have one implementation:
///   ``LabelingService/DatasetReplay`` (the newest snapshot at or before the position, then
///   the dataset's events after it), read with the live tabs' rules by
///   ``Projections/AsOfView``, so as of the head they equal the current ones.
/// - Nothing blocks the cooperative thread pool: every SQLite or log read runs on a
///   dispatch queue (``LabelingService/OffPool``) and the caller awaits it.
///
/// Thread-safety: a `Sendable` value; call from any task.
public struct LedgerQueries: Sendable {
    /// The log's synchronous reads (any engine), for the work that runs off the pool.
    let log: EventReader
    /// The projections' own query API (for callers that already run off the pool).
    public let projections: ProjectionQueries
    /// The dataset snapshots as-of reads start from (nil: every as-of read folds the stream
    /// from its start).
    let snapshots: SnapshotStore?

    public init(log: any EventStore, store: ProjectionStore, snapshots: SnapshotStore? = nil) {
        self.log = EventReader(log)
        self.projections = ProjectionQueries(store: store)
        self.snapshots = snapshots
    }

    // MARK: - The log

    /// The last durable position this process knows (cheap: no I/O; on a store shared by
    /// several nodes, a lower bound that includes this node's appends and those it was told of).
    public var head: UInt64 { log.head }

    /// The last position the log recorded at or before `date` (0 when it has nothing that old).
    public func position(at date: Date) async throws(QueryError) -> UInt64 {
        guard date.timeIntervalSince1970.isFinite else { throw .invalidTime("\(date) is not a time") }
        let log = log
        return try await OffPool.run { () throws(QueryError) in
            do throws(ServiceError) { return try DatasetReplay.position(asOf: date, reader: log) } catch { throw .service(error) }
        }
    }

    /// The lowest checkpoint among the projections, read from their files: never waits for
    /// the projector (a batch being applied does not hold it up).
    public func projectionCheckpoint() async throws(QueryError) -> UInt64 {
        let store = projections.store
        return try await projection { _ throws(ProjectionError) in
            try ProjectionKind.allCases.map { kind throws(ProjectionError) in try store.checkpoint(kind) }.min() ?? 0
        }
    }

    // MARK: - Datasets

    /// The live datasets of `project`, in id order (deleted ones left out).
    public func datasets(inProject project: String) async throws(QueryError) -> [DatasetOverview] {
        try await projection { queries throws(ProjectionError) in try queries.datasetOverviews(prefix: project + "/") }
    }

    /// One live dataset, or nil (never created, or deleted).
    public func dataset(_ dataset: DatasetID) async throws(QueryError) -> DatasetOverview? {
        try await projection { queries throws(ProjectionError) in try queries.datasetOverview(dataset) }
    }

    /// The dataset as it was at `position` (deleted ones included, with their deletion).
    /// - Throws: ``QueryError/positionBeyondHead(position:head:)``,
    ///   ``QueryError/datasetNotFound(dataset:position:)`` when it was not created by then.
    public func dataset(_ dataset: DatasetID, asOf position: UInt64) async throws(QueryError) -> DatasetAtPosition {
        let head = log.head
        guard position <= head else { throw .positionBeyondHead(position: position, head: head) }
        let (log, snapshots) = (log, snapshots)
        let found = try await OffPool.run { () throws(QueryError) in
            do throws(ServiceError) {
                return try DatasetReplay.replay(dataset, reader: log, upTo: position, snapshots: snapshots)
            } catch {
                throw .service(error)
            }
        }
        guard let found else { throw .datasetNotFound(dataset: dataset.rawValue, position: position) }
        return found
    }

    /// The tombstone of a deleted dataset (who deleted it, when), or nil: what a read answers
    /// 404 with, without loading the dataset's aggregate.
    public func deletion(of dataset: DatasetID) async throws(QueryError) -> DeletedDataset? {
        try await projection { queries throws(ProjectionError) in try queries.deletion(of: dataset) }
    }

    // MARK: - Auto-labeling settings

    /// The dataset's continuous-mode setting (nil: never configured).
    public func continuousSetting(of dataset: DatasetID) async throws(QueryError) -> ContinuousAutoLabelingConfigured? {
        try await projection { queries throws(ProjectionError) in try queries.continuousSetting(of: dataset) }
    }

    /// The pre-labeling models registered for `project` (nil: the server-wide registry), by
    /// name then version.
    public func models(project: String?) async throws(QueryError) -> [ModelView] {
        let registry = StreamNames.modelRegistry(ofProject: project)
        return try await projection { queries throws(ProjectionError) in try queries.models(inRegistry: registry) }
    }

    // MARK: - Samples

    /// One page of a tab (read-model values and the dataset's labeling type), now or as of
    /// `position`.
    /// - Throws: ``QueryError/projection(_:)`` with ``Projections/ProjectionError/datasetNotFound(_:)``
    ///   when the dataset is unknown (now), ``QueryError/datasetNotFound(dataset:position:)``
    ///   when it did not exist then.
    public func samples(_ query: SampleQuery, asOf position: UInt64? = nil) async throws(QueryError) -> TabPage {
        try await read(query.dataset, asOf: position) { queries throws(ProjectionError) in
            try queries.tab(query)
        } then: { view throws(ProjectionError) in
            try view.tab(query)
        }
    }

    /// Whether any sample of `dataset` has `labeler` (now, or as of `position`).
    public func hasLabeler(_ labeler: Labeler, in dataset: DatasetID, asOf position: UInt64? = nil) async throws(QueryError) -> Bool {
        try await read(dataset, asOf: position) { queries throws(ProjectionError) in
            try queries.hasLabeler(labeler, in: dataset)
        } then: { view throws(ProjectionError) in
            view.hasLabeler(labeler)
        }
    }

    /// One sample (nil: the dataset has no such sample) with its dataset's labeling type.
    /// - Throws: ``QueryError/projection(_:)`` with ``Projections/ProjectionError/datasetNotFound(_:)``
    ///   when the dataset is unknown.
    public func sample(_ id: SampleID, in dataset: DatasetID) async throws(QueryError) -> (type: LabelingType, sample: SampleView?) {
        try await projection { queries throws(ProjectionError) in try queries.sample(id, ofDataset: dataset) }
    }

    // MARK: - Statistics

    /// The dataset's statistics, now or as of `position`.
    public func stats(of dataset: DatasetID, asOf position: UInt64? = nil) async throws(QueryError) -> DatasetStats {
        try await read(dataset, asOf: position) { queries throws(ProjectionError) in
            try queries.stats(of: dataset)
        } then: { view throws(ProjectionError) in
            try view.stats()
        }
    }

    // MARK: - Tasks

    public func tasks(of dataset: DatasetID, type: TaskType? = nil, offset: Int = 0, limit: Int = 100) async throws(QueryError)
        -> TaskList
    {
        try await projection { queries throws(ProjectionError) in
            try queries.tasks(of: dataset, type: type, offset: offset, limit: limit)
        }
    }

    public func task(_ id: TaskID, of dataset: DatasetID) async throws(QueryError) -> TaskView? {
        try await projection { queries throws(ProjectionError) in try queries.task(id, of: dataset) }
    }

    public func skippedSamples(of dataset: DatasetID, tasks: [TaskID]) async throws(QueryError) -> [TaskID: [SkippedSample]] {
        try await projection { queries throws(ProjectionError) in try queries.skippedSamples(of: dataset, tasks: tasks) }
    }

    /// Auto-labeling tasks not finished yet, of every dataset.
    public func queueLength() async throws(QueryError) -> Int {
        try await projection { queries throws(ProjectionError) in try queries.unfinishedTaskCount() }
    }

    // MARK: - History

    public func history(_ query: HistoryQuery) async throws(QueryError) -> [HistoryEntry] {
        try await projection { queries throws(ProjectionError) in try queries.history(query) }
    }

    // MARK: - Running reads

    /// A read of the live projections, off the pool.
    private func projection<T: Sendable>(
        _ body: @escaping @Sendable (ProjectionQueries) throws(ProjectionError) -> T
    ) async throws(QueryError) -> T {
        let queries = projections
        return try await OffPool.run { () throws(QueryError) in
            do throws(ProjectionError) { return try body(queries) } catch { throw .projection(error) }
        }
    }

    /// A read of the live projections (`position` nil, `live`) or of `dataset` as it was at
    /// `position` (`then`, on the one as-of implementation's value), off the pool.
    private func read<T: Sendable>(
        _ dataset: DatasetID, asOf position: UInt64?,
        _ live: @escaping @Sendable (ProjectionQueries) throws(ProjectionError) -> T,
        then: @escaping @Sendable (AsOfView) throws(ProjectionError) -> T
    ) async throws(QueryError) -> T {
        guard let position else { return try await projection(live) }
        let found = try await self.dataset(dataset, asOf: position)
        return try await OffPool.run { () throws(QueryError) in
            do throws(ProjectionError) { return try then(AsOfView(found)) } catch { throw .projection(error) }
        }
    }
}
