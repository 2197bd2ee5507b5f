import EventLog
import Foundation
import LabelingDomain

/// The in-memory state of one dataset and the one place its commands are decided.
///
/// An actor per dataset: commands of one dataset are decided and appended one at a time
/// (FIFO turn-taking across the append's suspension) against an up-to-date state,
/// commands of different datasets in parallel. The state is loaded
/// once (from a snapshot, then the events after it) and afterwards only advanced, in
/// place, by the events this session appends or finds in the log.
actor DatasetSession {
    let datasetID: DatasetID
    let stream: String
    let log: EventLog
    let snapshots: SnapshotStore
    let snapshotEvery: UInt64

    private var state = DatasetState()
    private var loaded = false
    private var lastSnapshotVersion: UInt64 = 0
    private var snapshotInFlight = false
    /// How the state was loaded, for tests and the bench.
    private(set) var loadReport: LoadReport?

    struct LoadReport: Sendable, Equatable {
        var snapshotVersion: UInt64?
        var rejection: SnapshotStore.Rejection?
        var replayedEvents: Int
    }

    init(datasetID: DatasetID, log: EventLog, snapshots: SnapshotStore, snapshotEvery: UInt64) {
        self.datasetID = datasetID
        self.stream = StreamNames.dataset(datasetID)
        self.log = log
        self.snapshots = snapshots
        self.snapshotEvery = snapshotEvery
    }

    /// The state including every durable event of the stream.
    func current() throws(ServiceError) -> DatasetState {
        try catchUp()
        return state
    }

    /// The dataset without its samples (nil if it was never created; deleted ones included).
    func info() throws(ServiceError) -> DatasetInfo? {
        try catchUp()
        return state.isCreated ? DatasetInfo(state) : nil
    }

    /// Decides `command`, appends its events with the state's version as the expected
    /// version, and advances the state. On a version conflict (another process appended)
    /// it catches up and decides again, up to `attempts` times.
    ///
    /// With `expectedVersion` (a client's `If-Match`) the command is decided once, against
    /// the state at exactly that version, and appended with exactly that expected version:
    /// one decision, one append, never a re-decision. When the stream is at another version
    /// it throws ``ServiceError/staleVersion(dataset:expected:actual:)`` — unless
    /// `commandID` was already appended, which the log answers first (an idempotent retry).
    func execute(
        _ command: DatasetCommand, actor: String, commandID: String?, correlationID: String,
        models: ModelRegistryState, allOrNothing: Bool = false, expectedVersion: UInt64? = nil, attempts: Int = 3
    ) async throws(ServiceError) -> CommandOutcome {
        // The actor is reentrant across the append's suspension: without this turn-taking,
        // two commands would decide against the same version and one would conflict.
        await takeTurn()
        defer { passTurn() }
        for _ in 0..<(expectedVersion == nil ? attempts : 1) {
            try catchUp()
            let stale = expectedVersion.map { $0 != state.version } ?? false
            // Stale without a command id: nothing the log could deduplicate, refuse now.
            if stale, commandID == nil { throw staleVersion(expectedVersion) }
            let decision: Decision
            do {
                decision = try decide(command, state: state, models: models)
            } catch {
                if stale { throw staleVersion(expectedVersion) }
                throw .rule(error)
            }
            guard !decision.events.isEmpty, !(allOrNothing && decision.results.contains { !$0.success }) else {
                if stale { throw staleVersion(expectedVersion) }
                return CommandOutcome(decision: decision, append: nil, version: state.version)
            }
            let proposed = decision.events.map { event in
                let encoded = event.encode()
                return ProposedEvent(
                    type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload, actor: actor,
                    correlationID: correlationID)
            }
            let result: AppendResult
            do {
                result = try await log.append(
                    stream: stream, expectedVersion: .exact(expectedVersion ?? state.version), events: proposed,
                    commandID: commandID)
            } catch let error as LogError {
                if case .wrongExpectedVersion = error {
                    if expectedVersion != nil {
                        try catchUp()
                        throw staleVersion(expectedVersion)
                    }
                    continue
                }
                throw .log(error)
            } catch {
                throw .log(.failed(reason: "\(error)"))
            }
            if result.deduplicated {
                try catchUp()
                return CommandOutcome(decision: decision, append: result, version: state.version)
            }
            for (offset, event) in decision.events.enumerated() {
                evolve(&state, event)
                state.version = result.firstVersion + UInt64(offset)
            }
            snapshotIfDue(lastPosition: result.lastPosition, lastEventID: proposed[proposed.count - 1].eventID)
            return CommandOutcome(decision: decision, append: result, version: state.version)
        }
        throw .tooManyConflicts(dataset: datasetID.rawValue, attempts: attempts)
    }

    private func staleVersion(_ expected: UInt64?) -> ServiceError {
        .staleVersion(dataset: datasetID.rawValue, expected: expected ?? 0, actual: state.version)
    }

    // MARK: - Turn-taking

    /// Commands waiting for the one in progress, in arrival order (FIFO).
    private var turnTaken = false
    private var waitingForTurn: [CheckedContinuation<Void, Never>] = []

    private func takeTurn() async {
        guard turnTaken else {
            turnTaken = true
            return
        }
        await withCheckedContinuation { waitingForTurn.append($0) }
    }

    private func passTurn() {
        if waitingForTurn.isEmpty {
            turnTaken = false
        } else {
            waitingForTurn.removeFirst().resume()
        }
    }

    /// Loads on first use, then applies any durable events newer than the state.
    private func catchUp() throws(ServiceError) {
        if !loaded {
            var report = LoadReport(snapshotVersion: nil, rejection: nil, replayedEvents: 0)
            switch snapshots.load(datasetID, log: log) {
            case let .success(snapshot):
                state = snapshot.state
                lastSnapshotVersion = snapshot.version
                report.snapshotVersion = snapshot.version
            case let .failure(rejection):
                report.rejection = rejection
            }
            loaded = true
            report.replayedEvents = try applyNewEvents()
            loadReport = report
            // Deleted before snapshots were removed on deletion, or before a crash let it go.
            if state.isDeleted, report.snapshotVersion != nil { snapshots.remove(datasetID) }
            return
        }
        if log.version(of: stream) > state.version { _ = try applyNewEvents() }
    }

    private func applyNewEvents() throws(ServiceError) -> Int {
        try DatasetStream.fold(datasetID, in: log, into: &state)
    }

    /// Saves a snapshot off the actor once `snapshotEvery` events have passed since the last.
    private func snapshotIfDue(lastPosition: UInt64, lastEventID: UUID) {
        if state.isDeleted {
            snapshots.remove(datasetID)
            return
        }
        guard !snapshotInFlight, state.version - lastSnapshotVersion >= snapshotEvery else { return }
        snapshotInFlight = true
        let snapshot = DatasetSnapshot(state: state, version: state.version, position: lastPosition, eventID: lastEventID)
        let store = snapshots
        let id = datasetID
        Task.detached(priority: .background) {
            let saved = (try? store.save(snapshot, of: id)) != nil
            await self.snapshotFinished(version: saved ? snapshot.version : nil)
        }
    }

    private func snapshotFinished(version: UInt64?) {
        snapshotInFlight = false
        // Saved while the deletion was being appended: the deletion's removal came first.
        if state.isDeleted { snapshots.remove(datasetID) }
        if let version { lastSnapshotVersion = max(lastSnapshotVersion, version) }
    }

    /// Writes a snapshot now (for shutdown and benchmarks); returns its version.
    @discardableResult
    func snapshotNow() throws -> UInt64 {
        try catchUp()
        guard state.version > 0, !state.isDeleted, let position = try log.position(ofStream: stream, version: state.version),
            let event = try log.read(from: position, limit: 1).first
        else { return 0 }
        try snapshots.save(
            DatasetSnapshot(state: state, version: state.version, position: position, eventID: event.eventID), of: datasetID)
        lastSnapshotVersion = state.version
        return state.version
    }
}
