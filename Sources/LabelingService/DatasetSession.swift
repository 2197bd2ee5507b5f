import EventLog
import Foundation
import LabelingDomain

/// The in-memory state of one dataset and the one place its commands are decided.
///
/// An actor per dataset, with group commit: the commands that arrive while an append is on
/// its way to the disk queue up; then all of them are decided together, in arrival order,
/// each against the state the ones before it leave, and appended as one multi-append (one
/// write, one sync), each still answered with its own result or error — exactly what deciding
/// and appending them one at a time in arrival order would answer. Commands of different
/// datasets run in parallel. Readers of the state wait while a group's append is in flight,
/// so they never see an event before it is durable. The state is loaded
/// once (from a snapshot, then the events after it) and afterwards only advanced, in
/// place, by the events this session appends or finds in the log.
actor DatasetSession {
    let datasetID: DatasetID
    let stream: String
    let log: any EventStore
    /// The embedded log when `log` is one: its reads are synchronous and never suspend.
    let embedded: EventLog?
    let snapshots: SnapshotStore
    let snapshotEvery: UInt64

    private var state = DatasetState()
    private var loaded = false
    private var lastSnapshotVersion: UInt64 = 0
    /// Units of work (``SnapshotRule/weight(of:)``) of the events in `state` after the last
    /// snapshot written or loaded.
    private var unitsSinceSnapshot: UInt64 = 0
    private var snapshotInFlight = false
    private var snapshotWaiters: [CheckedContinuation<Void, Never>] = []
    /// How the state was loaded, for tests and the bench.
    private(set) var loadReport: LoadReport?

    struct LoadReport: Sendable, Equatable {
        var snapshotVersion: UInt64?
        var rejection: SnapshotStore.Rejection?
        var replayedEvents: Int
    }

    init(datasetID: DatasetID, log: any EventStore, snapshots: SnapshotStore, snapshotEvery: UInt64) {
        self.datasetID = datasetID
        self.stream = StreamNames.dataset(datasetID)
        self.log = log
        self.embedded = log as? EventLog
        self.snapshots = snapshots
        self.snapshotEvery = snapshotEvery
    }

    /// When snapshots are written: every `snapshotEvery` units of work (samples touched).
    var snapshotRule: SnapshotRule { SnapshotRule(every: snapshotEvery) }

    /// The state including every durable event of the stream.
    func current() async throws(ServiceError) -> DatasetState {
        await waitForDurableState()
        try await catchUp()
        return state
    }

    /// The dataset without its samples (nil if it was never created; deleted ones included).
    func info() async throws(ServiceError) -> DatasetInfo? {
        await waitForDurableState()
        try await catchUp()
        return state.isCreated ? DatasetInfo(state) : nil
    }

    /// Decides `command`, appends its events with the state's version as the expected
    /// version, and advances the state. On a version conflict (another process appended)
    /// it catches up and decides again, up to `attempts` times.
    ///
    /// With `expectedVersion` (a client's `If-Match`) the command is decided against the state
    /// at exactly that version, and appended with exactly that expected version. When the
    /// stream is at another version it throws ``ServiceError/staleVersion(dataset:expected:actual:)``
    /// — unless `commandID` was already appended, which the log answers first (an idempotent retry).
    ///
    /// The command joins the next group (see the type's documentation); its outcome is the
    /// one it would have alone, in its place in the arrival order.
    func execute(
        _ command: DatasetCommand, actor: String, commandID: String?, correlationID: String,
        models: ModelRegistryState, allOrNothing: Bool = false, expectedVersion: UInt64? = nil, attempts: Int = 3
    ) async throws(ServiceError) -> CommandOutcome {
        let outcome: Result<CommandOutcome, ServiceError> = await withCheckedContinuation { continuation in
            queued.append(QueuedCommand(
                command: command, actor: actor, commandID: commandID, correlationID: correlationID, models: models,
                allOrNothing: allOrNothing, expectedVersion: expectedVersion, attemptsLeft: max(1, attempts),
                attempts: max(1, attempts), continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        return try outcome.get()
    }

    // MARK: - Group commit

    struct QueuedCommand {
        var command: DatasetCommand
        var actor: String
        var commandID: String?
        var correlationID: String
        var models: ModelRegistryState
        var allOrNothing: Bool
        var expectedVersion: UInt64?
        var attemptsLeft: Int
        var attempts: Int
        var continuation: CheckedContinuation<Result<CommandOutcome, ServiceError>, Never>
    }

    /// Commands waiting for the next group, in arrival order.
    private var queued: [QueuedCommand] = []
    /// True while a task is deciding and appending groups.
    private var draining = false
    /// True while a group's events are in `state` but not yet durable.
    private var groupInFlight = false
    private var readersWaiting: [CheckedContinuation<Void, Never>] = []

    private func waitForDurableState() async {
        while groupInFlight { await withCheckedContinuation { readersWaiting.append($0) } }
    }

    /// Runs groups until no command waits.
    private func drain() async {
        while !queued.isEmpty {
            let group = queued
            queued.removeAll()
            await run(group)
        }
        draining = false
    }

    /// One planned append of a group: which command, its decision and events, the expected
    /// version it is appended with, and whether its events were applied to `state` ahead of
    /// the append.
    private struct Planned {
        var item: QueuedCommand
        var decision: Decision
        var proposed: [ProposedEvent]
        var expected: UInt64
        var applied: Bool
    }

    /// Decides every command of `group` in order against the state the ones before leave,
    /// appends the events of all as one multi-append, then answers each.
    private func run(_ group: [QueuedCommand]) async {
        do {
            try await catchUp()
        } catch {
            for item in group { item.continuation.resume(returning: .failure(error)) }
            return
        }
        var answers: [Int: Result<CommandOutcome, ServiceError>] = [:]
        var planned: [(index: Int, plan: Planned)] = []
        for (index, item) in group.enumerated() {
            let stale = item.expectedVersion.map { $0 != state.version } ?? false
            // Stale without a command id: nothing the log could deduplicate, refuse now.
            if stale, item.commandID == nil {
                answers[index] = .failure(staleVersion(item.expectedVersion))
                continue
            }
            let decision: Decision
            do {
                decision = try decide(item.command, state: state, models: item.models)
            } catch {
                answers[index] = .failure(stale ? staleVersion(item.expectedVersion) : .rule(error))
                continue
            }
            guard !decision.events.isEmpty, !(item.allOrNothing && decision.results.contains { !$0.success }) else {
                answers[index] = stale
                    ? .failure(staleVersion(item.expectedVersion))
                    : .success(CommandOutcome(decision: decision, append: nil, version: state.version))
                continue
            }
            let proposed = decision.events.map { event in
                let encoded = event.encode()
                return ProposedEvent(
                    type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload, actor: item.actor,
                    correlationID: item.correlationID)
            }
            // A stale command is appended only for the log to answer a repeated command id;
            // it can write nothing, so the state does not take its events.
            let base = state.version
            if !stale {
                for (offset, event) in decision.events.enumerated() {
                    evolve(&state, event)
                    state.version = base + 1 + UInt64(offset)
                    unitsSinceSnapshot += SnapshotRule.weight(of: event)
                }
            }
            planned.append((index, Planned(
                item: item, decision: decision, proposed: proposed, expected: stale ? item.expectedVersion! : base,
                applied: !stale)))
        }
        var requeue: [QueuedCommand] = []
        if !planned.isEmpty {
            groupInFlight = true
            let results = await log.append(planned.map {
                AppendRequest(stream: stream, expectedVersion: .exact($0.plan.expected), events: $0.plan.proposed,
                    commandID: $0.plan.item.commandID)
            })
            // Whether `state` holds exactly the events the log holds, up to the command at hand.
            var stateHolds = true
            var lastWritten: (position: UInt64, eventID: UUID)?
            for ((index, plan), result) in zip(planned, results) {
                switch result {
                case let .success(append) where !append.deduplicated:
                    answers[index] = .success(CommandOutcome(decision: plan.decision, append: append, version: append.lastVersion))
                    lastWritten = (append.lastPosition, plan.proposed[plan.proposed.count - 1].eventID)
                case let .success(append):
                    // A repeated command id: nothing written; the version is set below.
                    if plan.applied { stateHolds = false }
                    answers[index] = .success(CommandOutcome(decision: plan.decision, append: append, version: 0))
                case .failure(.wrongExpectedVersion):
                    // Decided against events an earlier command of this group did not write:
                    // decide it again, first in the next group, as it would have been decided
                    // alone. Otherwise another writer moved the stream: a conflict.
                    let causedByGroup = !stateHolds
                    if plan.applied { stateHolds = false }
                    if plan.applied, causedByGroup || (plan.item.expectedVersion == nil && plan.item.attemptsLeft > 1) {
                        var again = plan.item
                        if !causedByGroup { again.attemptsLeft -= 1 }
                        requeue.append(again)
                        continue
                    }
                    answers[index] = .failure(plan.item.expectedVersion != nil
                        ? staleVersion(plan.item.expectedVersion)
                        : .tooManyConflicts(dataset: datasetID.rawValue, attempts: plan.item.attempts))
                case let .failure(error):
                    if plan.applied { stateHolds = false }
                    answers[index] = .failure(.log(error))
                }
            }
            if !stateHolds {
                // The state took events that were not written: load it again from the snapshot and the log.
                state = DatasetState()
                loaded = false
                lastSnapshotVersion = 0
                unitsSinceSnapshot = 0
            }
            groupInFlight = false
            let readers = readersWaiting
            readersWaiting.removeAll()
            for reader in readers { reader.resume() }
            // A failed load is tried again by the next command or read.
            try? await catchUp()
            // Deduplicated and stale answers name the version the stream is at now.
            for (index, _) in planned {
                if case let .success(outcome)? = answers[index], outcome.deduplicated {
                    answers[index] = .success(CommandOutcome(decision: outcome.decision, append: outcome.append, version: state.version))
                } else if case let .failure(.staleVersion(dataset, expected, _))? = answers[index] {
                    answers[index] = .failure(.staleVersion(dataset: dataset, expected: expected, actual: state.version))
                }
            }
            if stateHolds, let lastWritten { snapshotIfDue(lastPosition: lastWritten.position, lastEventID: lastWritten.eventID) }
        }
        queued.insert(contentsOf: requeue, at: 0)
        for (index, item) in group.enumerated() {
            if let answer = answers[index] { item.continuation.resume(returning: answer) }
        }
    }

    private func staleVersion(_ expected: UInt64?) -> ServiceError {
        .staleVersion(dataset: datasetID.rawValue, expected: expected ?? 0, actual: state.version)
    }

    /// True while a catch-up runs; the ones that come meanwhile wait for it (``catchUp()``).
    private var catchingUp = false
    private var catchUpWaiters: [CheckedContinuation<Void, Never>] = []

    /// Loads on first use, then applies any durable events newer than the state.
    ///
    /// On the embedded log it never suspends. On another engine it awaits its reads, so
    /// catch-ups take turns (one at a time on this actor): no two fold the same events
    /// into the state, and a group is decided only after the one running has finished.
    private func catchUp() async throws(ServiceError) {
        while catchingUp { await withCheckedContinuation { catchUpWaiters.append($0) } }
        catchingUp = true
        defer {
            catchingUp = false
            let waiters = catchUpWaiters
            catchUpWaiters.removeAll()
            for waiter in waiters { waiter.resume() }
        }
        if !loaded {
            var report = LoadReport(snapshotVersion: nil, rejection: nil, replayedEvents: 0)
            // Snapshots are checked against the embedded log only; on another engine the state
            // is folded from the stream's start.
            let loadedSnapshot: Result<DatasetSnapshot, SnapshotStore.Rejection> =
                if let embedded { snapshots.load(datasetID, log: embedded) } else { .failure(.missing) }
            switch loadedSnapshot {
            case let .success(snapshot):
                state = snapshot.state
                lastSnapshotVersion = snapshot.version
                report.snapshotVersion = snapshot.version
            case let .failure(rejection):
                report.rejection = rejection
            }
            loaded = true
            unitsSinceSnapshot = 0
            let replayed = try await applyNewEvents()
            report.replayedEvents = replayed.events
            loadReport = report
            // Deleted before snapshots were removed on deletion, or before a crash let it go.
            if state.isDeleted, report.snapshotVersion != nil { snapshots.remove(datasetID) }
            // A load that replayed a snapshot's worth saves one, so the next load need not.
            if let last = replayed.last { snapshotIfDue(lastPosition: last.position, lastEventID: last.eventID) }
            return
        }
        // The embedded log answers the version from memory; another engine reads the page anyway.
        if embedded.map({ $0.version(of: stream) > state.version }) ?? true {
            let caught = try await applyNewEvents()
            if let last = caught.last { snapshotIfDue(lastPosition: last.position, lastEventID: last.eventID) }
        }
    }

    /// Folds the stream's events after `state.version` into `state`, counting their units:
    /// in place from the embedded log; from another engine a page at a time (each page read,
    /// then folded without suspending).
    /// - Returns: how many events were applied, and the position and id of the last one.
    private func applyNewEvents() async throws(ServiceError) -> (events: Int, last: (position: UInt64, eventID: UUID)?) {
        var last: (position: UInt64, eventID: UUID)?
        var units: UInt64 = 0
        func take(_ recorded: RecordedEvent, _ event: DomainEvent) {
            evolve(&state, event)
            state.version = recorded.streamVersion
            units += SnapshotRule.weight(of: event)
            last = (recorded.position, recorded.eventID)
        }
        var count = 0
        if let embedded {
            count = try DatasetStream.forEach(in: embedded, stream: stream, fromVersion: state.version + 1, take)
        } else {
            while true {
                let page = try await DatasetStream.page(of: log, stream: stream, fromVersion: state.version + 1)
                count += try DatasetStream.apply(page, after: state.version, take)
                if page.count < DatasetStream.pageSize { break }
            }
        }
        unitsSinceSnapshot += units
        return (count, last)
    }

    /// Saves a snapshot off the actor once the events since the last carry `snapshotEvery`
    /// units of work (see ``SnapshotRule``). `lastPosition`/`lastEventID` name the stream's
    /// event at `state.version`.
    private func snapshotIfDue(lastPosition: UInt64, lastEventID: UUID) {
        if state.isDeleted {
            snapshots.remove(datasetID)
            return
        }
        guard !snapshotInFlight, snapshotRule.isDue(unitsSinceSnapshot) else { return }
        snapshotInFlight = true
        let units = unitsSinceSnapshot
        unitsSinceSnapshot = 0
        let (store, id, log, version) = (snapshots, datasetID, log, state.version)
        Task.detached(priority: .background) {
            let saved = await OffPool.run { () -> Bool in
                (try? Self.writeSnapshot(id, version: version, position: lastPosition, eventID: lastEventID, log: log, store: store)) != nil
            }
            await self.snapshotFinished(version: saved ? version : nil, units: units)
        }
    }

    /// Writes the snapshot of `dataset` at `version` (the stream's event at `position`, with id
    /// `eventID`): the dataset as the one as-of implementation makes it there
    /// (``DatasetReplay``, from the newest snapshot before), which holds the state this
    /// session holds and what as-of reads need besides.
    static func writeSnapshot(
        _ dataset: DatasetID, version: UInt64, position: UInt64, eventID: UUID, log: any EventStore, store: SnapshotStore
    ) throws {
        guard let at = try DatasetReplay.replay(dataset, reader: EventReader(log), upTo: position, snapshots: store),
            at.state.version == version, !at.state.isDeleted
        else { return }
        try store.save(DatasetSnapshot(dataset: at, eventID: eventID), of: dataset)
    }

    private func snapshotFinished(version: UInt64?, units: UInt64) {
        snapshotInFlight = false
        let waiters = snapshotWaiters
        snapshotWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
        // Not saved: what it would have covered still counts towards the next one.
        if version == nil { unitsSinceSnapshot += units }
        // Saved while the deletion was being appended: the deletion's removal came first.
        if state.isDeleted { snapshots.remove(datasetID) }
        if let version { lastSnapshotVersion = max(lastSnapshotVersion, version) }
    }

    /// Returns once no snapshot is being written in the background (for tests and benchmarks).
    func snapshotSettled() async {
        while snapshotInFlight { await withCheckedContinuation { snapshotWaiters.append($0) } }
    }

    /// Writes a snapshot now (for shutdown and benchmarks); returns its version.
    @discardableResult
    func snapshotNow() async throws -> UInt64 {
        await waitForDurableState()
        try await catchUp()
        guard state.version > 0, !state.isDeleted, let position = try await log.position(ofStream: stream, version: state.version),
            let event = try await log.read(from: position, limit: 1).first
        else { return 0 }
        let (store, id, log, version, eventID) = (snapshots, datasetID, log, state.version, event.eventID)
        try await OffPool.run { () throws in
            try Self.writeSnapshot(id, version: version, position: position, eventID: eventID, log: log, store: store)
        }
        lastSnapshotVersion = state.version
        unitsSinceSnapshot = 0
        return state.version
    }
}
