import EventLog
import Foundation
import LabelingDomain
import Synchronization

/// Executes labeling commands: loads a dataset's state, decides, appends with the
/// expected version, and keeps the state hot in memory.
///
/// ```swift
/// let service = DatasetService(log: log, snapshotDirectory: data.snapshots) // data: a DataDirectory
/// let outcome = try await service.execute(
///     .updateSampleLabels([SampleLabelUpdate(sampleID: "s1", labels: [ManualLabel(name: "cat")])], by: "ana"),
///     on: "dataset-1", actor: "ana", commandID: requestID)
/// for result in outcome.decision.results where !result.success { … }
/// ```
///
/// Invariants:
/// - Commands of one dataset are decided one at a time, against a state that includes
///   every durable event of its stream (one ``DatasetSession`` actor per dataset).
/// - A command's events are appended atomically with the state's version as the
///   expected version; a conflict with another writer re-decides on the newer state.
/// - A repeated `commandID` appends nothing (the log's idempotency).
/// - A dataset of any size starts from its latest valid snapshot plus the events after it;
///   snapshots are written off the command path whenever the events since the last one
///   touched `snapshotEvery` samples (``SnapshotRule``: an event touching none counts one),
///   by commands or by a load that replayed that many.
/// - At most ``maxSessions`` datasets are held in memory: touching one more evicts the one
///   used least recently (its next command loads it again from its snapshot and log). A
///   command still running on an evicted session finishes there; should a new session of
///   the same dataset append meanwhile, the expected version makes one of them re-decide.
/// - Models belong to a project: a pre-label task on a dataset `P/<id>` can use only the
///   models registered for project `P`; a dataset without a project only the server-wide
///   ones (``StreamNames/modelRegistry(ofProject:)``).
public final class DatasetService: Sendable {
    /// The log, whatever engine keeps it (the embedded one, or PostgreSQL shared by several nodes).
    public let log: any EventStore
    public let snapshots: SnapshotStore
    public let snapshotEvery: UInt64
    /// The most dataset sessions held at once (least recently used ones are evicted).
    public let maxSessions: Int
    private let sessions = Mutex<SessionCache>(SessionCache())
    /// The model registries by stream (one per project, plus the server-wide one).
    private let registries = Mutex<[String: ModelRegistrySession]>([:])

    public init(log: any EventStore, snapshotDirectory: URL, snapshotEvery: UInt64 = 50_000, maxSessions: Int = 1_000) {
        self.log = log
        self.snapshots = SnapshotStore(directory: snapshotDirectory)
        self.snapshotEvery = snapshotEvery
        self.maxSessions = max(1, maxSessions)
    }

    func session(_ id: DatasetID) -> DatasetSession {
        sessions.withLock { cache in
            cache.session(id, bound: maxSessions) {
                DatasetSession(datasetID: id, log: log, snapshots: snapshots, snapshotEvery: snapshotEvery)
            }
        }
    }

    /// How many dataset sessions are held in memory now (at most ``maxSessions``).
    public var sessionCount: Int { sessions.withLock { $0.count } }

    /// How many model registries are held in memory now (each loaded by its first use).
    public var registryCount: Int { registries.withLock { $0.count } }

    func registry(ofProject project: String?) -> ModelRegistrySession {
        let stream = StreamNames.modelRegistry(ofProject: project)
        return registries.withLock { registries in
            if let registry = registries[stream] { return registry }
            let registry = ModelRegistrySession(log: log, stream: stream)
            registries[stream] = registry
            return registry
        }
    }

    // MARK: - Commands

    /// Executes a dataset command.
    /// - Parameters:
    ///   - actor: who is acting (recorded in every event's envelope).
    ///   - commandID: an idempotency key; a repeated key appends nothing.
    ///   - allOrNothing: for batch commands, append nothing unless every sample succeeds
    ///     (imports); the results still say which samples failed and why.
    ///   - expectedVersion: the dataset version the caller decided on (`If-Match`): the
    ///     command is decided against exactly that version and appended with it as the
    ///     log's expected version — of concurrent commands naming one version, exactly one
    ///     is appended; nil decides against the newest state (re-deciding on a conflict).
    /// - Throws: ``ServiceError``: `.rule` for a refused command (with the service's code),
    ///   `.staleVersion` when the dataset is not at `expectedVersion`.
    public func execute(
        _ command: DatasetCommand, on dataset: DatasetID, actor: String, commandID: String? = nil,
        correlationID: String = "", allOrNothing: Bool = false, expectedVersion: UInt64? = nil
    ) async throws(ServiceError) -> CommandOutcome {
        let models: ModelRegistryState
        if case .requestAutoLabeling = command {
            models = try await registry(ofProject: StreamNames.project(of: dataset)).current()
        } else {
            models = ModelRegistryState()
        }
        return try await session(dataset).execute(
            command, actor: actor, commandID: commandID, correlationID: correlationID, models: models,
            allOrNothing: allOrNothing, expectedVersion: expectedVersion)
    }

    /// Registers a pre-labeling model for `project`'s datasets (nil: the server-wide registry,
    /// for datasets without a project). A name and version is unique within one registry;
    /// other projects neither see nor collide with it.
    @discardableResult
    public func execute(
        _ command: ModelRegistryCommand, project: String? = nil, actor: String, commandID: String? = nil
    ) async throws(ServiceError) -> AppendResult? {
        try await registry(ofProject: project).execute(command, actor: actor, commandID: commandID)
    }

    // MARK: - Queries

    /// The dataset's state including every durable event (nil if it was never created or
    /// was deleted). A copy shares storage with the hot state until either changes: hold it
    /// briefly.
    public func state(of dataset: DatasetID) async throws(ServiceError) -> DatasetState? {
        let state = try await session(dataset).current()
        return state.exists ? state : nil
    }

    /// The dataset without its samples, including every durable event (nil if it was never
    /// created; a deleted dataset has ``DatasetInfo/deletion`` set, so that a reader can say
    /// so). Prefer this to ``state(of:)`` on hot paths: see ``DatasetInfo``.
    public func info(of dataset: DatasetID) async throws(ServiceError) -> DatasetInfo? {
        try await session(dataset).info()
    }

    /// The model registry of `project` (nil: the server-wide one) including every durable event.
    public func models(project: String? = nil) async throws(ServiceError) -> ModelRegistryState {
        try await registry(ofProject: project).current()
    }

    /// The models a pre-label task on `dataset` may use: its project's registry.
    public func models(usableBy dataset: DatasetID) async throws(ServiceError) -> ModelRegistryState {
        try await models(project: StreamNames.project(of: dataset))
    }

    /// Writes a snapshot of the dataset now; returns the stream version it holds (0, writing
    /// nothing, for a dataset never created or deleted).
    @discardableResult
    public func snapshot(_ dataset: DatasetID) async throws -> UInt64 {
        try await session(dataset).snapshotNow()
    }

    /// Returns once the dataset's background snapshot, if one is being written, is written
    /// (for tests and benchmarks: snapshots are written off the command path).
    public func snapshotSettled(_ dataset: DatasetID) async {
        await session(dataset).snapshotSettled()
    }

    /// How the dataset's state was loaded: from which snapshot, and how many events were replayed.
    public func loadReport(_ dataset: DatasetID) async -> (snapshotVersion: UInt64?, replayedEvents: Int)? {
        await session(dataset).loadReport.map { ($0.snapshotVersion, $0.replayedEvents) }
    }
}
