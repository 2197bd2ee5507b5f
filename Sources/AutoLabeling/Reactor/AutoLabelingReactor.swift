import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Logging

/// The auto-labeling reactor: a checkpointed log subscriber that runs the tasks people
/// queue (`AutoLabelTaskQueued`) and appends their progress and results as events
/// through ``DatasetService`` — it never writes anything else.
///
/// Invariants:
/// - Tasks run in the order they were queued across datasets (FIFO), at most
///   ``Configuration/workers`` at a time, and at most one per dataset.
/// - A `TaskStopRequested` takes effect within a second: a queued task is stopped at once,
///   a running one is cancelled at its next check (training polls every iteration)
///   and recorded as stopped.
/// - Resume after any stop (SIGTERM, SIGKILL, crash): the checkpoint (``ReactorCheckpoint``)
///   never passes the queued event of a task whose end (`TaskSucceeded`, `TaskFailed`,
///   `TaskStopped`, or its dataset's `DatasetDeleted`) the reactor has not read back from the
///   log — what this process did with the task does not count, only what the log holds. So on
///   start-up every task left queued, running or stopping is read again and resumed (or
///   recorded as stopped); samples it already auto-labeled are skipped.
/// - A stop request for a task this reactor is not running (its worker ended without an end
///   event, or an older build's checkpoint passed it) is recorded as stopped at once.
///
/// ```swift
/// let log = try EventLog.open(directory: data.appendingPathComponent("log"))
/// let service = DatasetService(log: log, snapshotDirectory: data.appendingPathComponent("snapshots"))
/// let reactor = AutoLabelingReactor(log: log, service: service, dataDirectory: data)
/// let running = Task { try await reactor.run() }   // until cancelled
/// …
/// running.cancel()
/// ```
public actor AutoLabelingReactor {
    public struct Configuration: Sendable {
        /// Tasks running at once (≥ 1).
        public var workers: Int
        /// The actor recorded in every event the reactor appends.
        public var actor: String
        /// Samples per `recordAutoLabels` / `recordHardExamples` command.
        public var batchSize: Int
        /// Seed of the built-in classifier.
        public var seed: UInt64
        /// Loss weight of a labeled sample that still carries a hard mark (a hard example a person
        /// confirmed or fixed) in the next training (``ActiveLearningPipeline/hardExampleWeight``).
        public var hardExampleWeight: Double = 2

        /// Continuous mode for datasets that never configured their own (nil: off). A
        /// dataset's `ContinuousAutoLabelingConfigured` setting (from the log) always wins.
        public var continuous: ContinuousMode?

        public init(
            workers: Int = 1, actor: String = "auto-labeling", batchSize: Int = 100, seed: UInt64 = 0x5EED,
            continuous: ContinuousMode? = nil
        ) {
            self.workers = max(1, workers)
            self.actor = actor
            self.batchSize = max(1, batchSize)
            self.seed = seed
            self.continuous = continuous
        }
    }

    /// Continuous mode: after `newLabels` samples of a dataset were labeled or confirmed by
    /// people, the reactor queues an active-learning task for it (task id
    /// `continuous-<position of the triggering event>`, so re-reading the log after a crash
    /// never queues it twice). A refused request (a task is active, preconditions unmet) is
    /// retried on the next labeled sample. Counts start from zero when the reactor starts.
    ///
    /// Per dataset, the mode is the dataset's own setting (the command
    /// `configureContinuousAutoLabeling`, carried by the log and read from the dataset's
    /// state when a labeling event arrives); this reactor-wide value only applies to
    /// datasets that never configured one.
    public struct ContinuousMode: Sendable, Equatable {
        /// Datasets in continuous mode; nil: all.
        public var datasets: Set<DatasetID>?
        public var newLabels: Int
        public var algorithm: AutoLabelAlgorithm

        public init(datasets: Set<DatasetID>? = nil, newLabels: Int, algorithm: AutoLabelAlgorithm = .accurate) {
            self.datasets = datasets
            self.newLabels = max(1, newLabels)
            self.algorithm = algorithm
        }
    }

    struct TaskKey: Hashable, Sendable {
        var dataset: DatasetID
        var task: TaskID
    }

    public nonisolated let log: any EventStore
    public nonisolated let service: DatasetService
    public nonisolated let configuration: Configuration
    public nonisolated let checkpoint: ReactorCheckpoint
    let logger: Logger

    /// Queued tasks in FIFO order.
    private var pending: [TaskKey] = []
    private var running: [TaskKey: Task<Void, Never>] = [:]
    /// Tasks whose queued event was read and whose end was not, with the position of the
    /// queued event: the checkpoint stays below the smallest.
    private var unfinished: [TaskKey: UInt64] = [:]
    private var stopRequested: Set<TaskKey> = []
    private var seen: UInt64 = 0
    private var stored: UInt64 = 0
    private var finishedTasks = 0
    private var shuttingDown = false
    /// Continuous mode: samples labeled or confirmed per dataset since its last queued task.
    private var newLabels: [DatasetID: Int] = [:]
    /// Events up to here are read again only to find unfinished tasks (an untrusted checkpoint
    /// made the reactor start from the beginning); they queue no continuous-mode task.
    private var rereadUpTo: UInt64 = 0

    public init(
        log: any EventStore, service: DatasetService, dataDirectory: URL, configuration: Configuration = .init(),
        logger: Logger = Logger(label: "labelledger.auto-labeling")
    ) {
        self.log = log
        self.service = service
        self.configuration = configuration
        self.checkpoint = ReactorCheckpoint(dataDirectory: dataDirectory)
        self.logger = logger
    }

    /// Subscribes from the checkpoint and runs tasks until the calling task is cancelled
    /// (running tasks are then cancelled and left to resume on the next start) or the
    /// log closes.
    /// - Throws: ``AutoLabelingError/checkpointUnusable(path:reason:)``, or the log's error.
    public func run() async throws {
        switch try checkpoint.load() {
        case .trusted(let position):
            stored = position
        case .untrusted(let position):
            // Written by a build whose checkpoint could pass a task's queued event: read the
            // whole log again, tasks only, then store a trusted checkpoint.
            logger.notice("reading the log from the start to find unfinished tasks", metadata: ["old_checkpoint": "\(position)"])
            stored = 0
            rereadUpTo = position
        }
        seen = stored
        do {
            for try await event in log.subscribe(from: stored + 1, whenLive: nil) {
                try Task.checkCancellation()
                await handle(event)
                seen = event.position
                try storeCheckpointIfAdvanced(minimumStep: 256)
            }
        } catch {
            await shutDown()
            throw error
        }
        await shutDown()
    }

    /// The terminal events this reactor has read (succeeded, failed, stopped), for callers
    /// that wait for a task's end.
    public nonisolated let outcomes = TaskOutcomes()

    /// Tasks completed (any terminal status) since this reactor started; for tests and metrics.
    public var completedTaskCount: Int { finishedTasks }

    // MARK: - Events

    /// The event types the reactor reads; it skips every other one undecoded.
    private static let taskEventTypes: Set<String> = [
        "AutoLabelTaskQueued", "TaskStopRequested", "TaskSucceeded", "TaskFailed", "TaskStopped", "DatasetDeleted",
    ]

    private func handle(_ event: RecordedEvent) async {
        if event.type == "SampleLabelsReplaced" || event.type == "SamplesConfirmed" {
            if event.position > rereadUpTo { await countNewLabels(event) }
            return
        }
        guard Self.taskEventTypes.contains(event.type),
            let dataset = StreamNames.datasetID(ofStream: event.streamID),
            let decoded = try? DomainEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
        else { return }
        if case .datasetDeleted = decoded {
            // Nothing more is appended to a deleted dataset: its tasks are over.
            for key in unfinished.keys where key.dataset == dataset { unfinished[key] = nil }
            return
        }
        guard let taskID = decoded.taskID else { return }
        let key = TaskKey(dataset: dataset, task: taskID)
        switch decoded {
        case .autoLabelTaskQueued:
            guard unfinished[key] == nil else { return }
            unfinished[key] = event.position
            pending.append(key)
            schedule()
        case .taskStopRequested:
            stopRequested.insert(key)
            if let index = pending.firstIndex(of: key) {
                // Not started here: it goes straight from stopping to stopped.
                pending.remove(at: index)
                await markStopped(key)
            } else if let work = running[key] {
                work.cancel()
            } else {
                // No worker runs it (its worker ended without an end event, or an older
                // checkpoint passed its queued event): record the stop now. `markStopped` does
                // nothing unless the task is still stopping.
                await markStopped(key)
                stopRequested.remove(key)
            }
        case .taskSucceeded, .taskFailed, .taskStopped:
            unfinished[key] = nil
            let status: TaskStatus = if case .taskSucceeded = decoded { .succeeded } else if case .taskFailed = decoded { .failed } else { .stopped }
            outcomes.record(TaskOutcome(dataset: dataset, task: taskID, status: status, position: event.position))
        default:
            return
        }
    }

    /// The continuous mode of `dataset`: its own setting when it has one, else the reactor's.
    private func continuousMode(of dataset: DatasetID) async -> ContinuousMode? {
        if let setting = try? await service.info(of: dataset)?.continuousAutoLabeling {
            return setting.newSamples > 0
                ? ContinuousMode(datasets: [dataset], newLabels: setting.newSamples, algorithm: setting.algorithm) : nil
        }
        guard let mode = configuration.continuous, mode.datasets?.contains(dataset) ?? true else { return nil }
        return mode
    }

    private func countNewLabels(_ event: RecordedEvent) async {
        guard event.actor != configuration.actor,
            let dataset = StreamNames.datasetID(ofStream: event.streamID),
            let decoded = try? DomainEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
        else { return }
        let added: Int
        switch decoded {
        case .sampleLabelsReplaced(let e): added = e.samples.count
        case .samplesConfirmed(let e): added = e.samples.count
        default: return
        }
        guard let mode = await continuousMode(of: dataset) else {
            newLabels[dataset] = nil
            return
        }
        newLabels[dataset, default: 0] += added
        guard newLabels[dataset, default: 0] >= mode.newLabels else { return }
        let request = DatasetCommand.requestAutoLabeling(
            taskID: TaskID("continuous-\(event.position)"), type: .autoLabel, algorithm: mode.algorithm, model: nil,
            targetAccuracy: nil, by: configuration.actor, at: Instant(Date()))
        if (try? await service.execute(request, on: dataset, actor: configuration.actor)) != nil {
            newLabels[dataset] = 0
        }
    }

    private func schedule() {
        while !shuttingDown, running.count < configuration.workers,
            let index = pending.firstIndex(where: { item in !running.keys.contains { $0.dataset == item.dataset } })
        {
            let key = pending.remove(at: index)
            let driver = TaskDriver(
                service: service, configuration: configuration, dataset: key.dataset, taskID: key.task, logger: logger)
            let work = Task {
                var outcome: Error?
                do { try await driver.run() } catch { outcome = error }
                await self.finished(key, error: outcome)
            }
            running[key] = work
        }
    }

    /// A worker ended. The task stays in ``unfinished`` (holding the checkpoint back) until its
    /// end event is read from the log: a worker cancelled by a shutdown appended none, so the
    /// task is read again and resumed on the next start.
    private func finished(_ key: TaskKey, error: Error?) async {
        running[key] = nil
        if error is CancellationError || Task.isCancelled {
            if stopRequested.contains(key) { await markStopped(key) }
        } else if let error {
            logger.error("task ended with an error", metadata: ["task": "\(key.task)", "error": "\(error)"])
        }
        stopRequested.remove(key)
        finishedTasks += 1
        schedule()
    }

    private func markStopped(_ key: TaskKey) async {
        let service = service, actor = configuration.actor
        // Recorded from an uncancelled task: the stop must be written even while the worker unwinds.
        await Task {
            guard let state = try? await service.state(of: key.dataset), state.tasks[key.task]?.status == .stopping else {
                return
            }
            _ = try? await service.execute(.markStopped(key.task, at: Instant(Date())), on: key.dataset, actor: actor)
        }.value
    }

    /// Cancels running tasks (they resume on the next start) and waits for them.
    private func shutDown() async {
        shuttingDown = true
        let works = Array(running.values)
        for work in works { work.cancel() }
        for work in works { await work.value }
        try? storeCheckpointIfAdvanced()
    }

    // MARK: - Checkpoint

    /// Stores the checkpoint when it moved by at least `minimumStep` positions (re-reading a
    /// few events after a crash is harmless: finished tasks are recognised and skipped). It
    /// stays below the queued event of every task whose end event was not read yet.
    private func storeCheckpointIfAdvanced(minimumStep: UInt64 = 1) throws {
        let safe = unfinished.values.min().map { $0 - 1 } ?? seen
        guard safe >= stored + minimumStep else { return }
        try checkpoint.store(safe)
        stored = safe
    }
}
