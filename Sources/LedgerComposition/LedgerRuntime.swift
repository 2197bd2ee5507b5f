import AutoLabeling
import EventLog
import Foundation
import LabelingDomain
import LabelingService
import LedgerQueries
import PostgresEventStore
import Projections
import Synchronization

/// The composition root: everything one data directory runs, opened in one place — the log,
/// command handling, the projections and their projector, the query API every read goes
/// through, the auto-labeling reactor, tokens and idempotency records.
///
/// Invariant: after ``settle(_:)`` returns for an append, the projections include it
/// (read-your-writes for API clients).
///
/// With ``ServerConfiguration/storeURL`` the log is a PostgreSQL store that several nodes
/// share, each with its own data directory: the projections, snapshots and reactor checkpoint
/// stay in the node's directory, fed from the shared log; tokens and idempotency answers live
/// in the shared store; the auto-labeling reactor runs only while this node holds the
/// store's reactor lease (``PostgresEventStore/PostgresLease``).
public final class LedgerRuntime: Sendable {
    public let configuration: ServerConfiguration
    /// The event store every part below works on (the embedded log, or PostgreSQL).
    public let eventStore: any EventStore
    /// Synchronous reads of ``eventStore``: its known head without I/O, stream reads for tools.
    public let log: EventReader
    public let service: DatasetService
    public let store: ProjectionStore
    /// Every read (the server's and the command line's): projections, head, as-of views.
    public let queries: LedgerQueries
    public let projector: Projector
    /// The auto-labeling reactor of the current run (with a shared store, of the current
    /// lease: each lease taken runs a fresh one, resuming unfinished tasks as after a crash).
    public var reactor: AutoLabelingReactor { currentReactor.withLock { $0 } }
    private let currentReactor: Mutex<AutoLabelingReactor>
    /// The reactor's lease when the log is shared (nil: the embedded log, whose directory
    /// lock already makes this process the only one).
    let reactorLease: PostgresLease?
    public let tokens: TokenStore
    public let idempotency: IdempotencyStore

    public init(configuration: ServerConfiguration) async throws {
        self.configuration = configuration
        // Every path through the directory's one owner (DATA_DIRECTORY.md).
        let data = configuration.directory
        try data.create()
        let eventStore: any EventStore
        if let url = configuration.storeURL {
            let shared = try await PostgresEventStore.open(url: url)
            eventStore = shared
            tokens = TokenStore(records: PostgresServerState(store: shared))
            idempotency = IdempotencyStore(records: PostgresServerState(store: shared))
            reactorLease = PostgresLease(store: shared, name: "auto-labeling-reactor")
        } else {
            eventStore = try EventLog.open(directory: data.log)
            tokens = try TokenStore(path: data.tokens.path)
            idempotency = try IdempotencyStore(path: data.idempotency.path)
            reactorLease = nil
        }
        self.eventStore = eventStore
        log = EventReader(eventStore)
        service = DatasetService(log: eventStore, snapshotDirectory: data.snapshots)
        store = try ProjectionStore.open(directory: data.projections)
        queries = LedgerQueries(log: eventStore, store: store, snapshots: service.snapshots)
        projector = Projector(log: eventStore, store: store)
        try await projector.start()
        currentReactor = Mutex(Self.makeReactor(eventStore, service, configuration))
    }

    private static func makeReactor(
        _ store: any EventStore, _ service: DatasetService, _ configuration: ServerConfiguration
    ) -> AutoLabelingReactor {
        AutoLabelingReactor(
            log: store, service: service, dataDirectory: configuration.directory.url,
            configuration: .init(workers: configuration.reactorWorkers))
    }

    /// The position the projections are known to include (a lower bound).
    private let settled = Atomic<UInt64>(0)

    /// Waits until the projections include `position` (bounded by the log head). Cheap
    /// when they already do: no projector round trip.
    ///
    /// The catch-up goes to the head, not only to `position`: the commands of one group
    /// commit are answered together and each then settles its own position, so the first
    /// of them applies the whole group (one transaction per projection) and the others find
    /// it applied, instead of one catch-up (and transaction per projection) each.
    public func settle(_ position: UInt64?) async throws {
        guard let position, position > 0 else { return }
        let target = min(position, log.head)
        guard settled.load(ordering: .acquiring) < target else { return }
        let reached = try await projector.catchUp(upTo: nil)
        _ = settled.max(reached, ordering: .releasing)
    }

    /// Runs the projector and (if configured) the reactor until cancelled.
    public func runBackground() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.projector.run() }
            if configuration.runReactor {
                if let lease = reactorLease {
                    group.addTask {
                        try await lease.run {
                            // A reactor runs once: each lease taken gets a fresh one.
                            let reactor = Self.makeReactor(self.eventStore, self.service, self.configuration)
                            self.currentReactor.withLock { $0 = reactor }
                            try await reactor.run()
                        }
                    }
                } else {
                    group.addTask { try await self.reactor.run() }
                }
            }
            try await group.waitForAll()
        }
    }

    public func close() async {
        await eventStore.close()
    }
}
