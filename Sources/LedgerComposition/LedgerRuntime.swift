import AutoLabeling
import EventLog
import Foundation
import LabelingDomain
import LabelingService
import LedgerQueries
import Projections
import Synchronization

/// The composition root: everything one data directory runs, opened in one place — the log,
/// command handling, the projections and their projector, the query API every read goes
/// through, the auto-labeling reactor, tokens and idempotency records.
///
/// Invariant: after ``settle(_:)`` returns for an append, the projections include it
/// (read-your-writes for API clients).
public final class LedgerRuntime: Sendable {
    public let configuration: ServerConfiguration
    public let log: EventLog
    public let service: DatasetService
    public let store: ProjectionStore
    /// Every read (the server's and the command line's): projections, head, as-of views.
    public let queries: LedgerQueries
    public let projector: Projector
    public let reactor: AutoLabelingReactor
    public let tokens: TokenStore
    public let idempotency: IdempotencyStore

    public init(configuration: ServerConfiguration) async throws {
        self.configuration = configuration
        // Every path through the directory's one owner (DATA_DIRECTORY.md).
        let data = configuration.directory
        try data.create()
        log = try EventLog.open(directory: data.log)
        service = DatasetService(log: log, snapshotDirectory: data.snapshots)
        store = try ProjectionStore.open(directory: data.projections)
        queries = LedgerQueries(log: log, store: store)
        projector = Projector(log: log, store: store)
        try await projector.start()
        reactor = AutoLabelingReactor(
            log: log, service: service, dataDirectory: data.url,
            configuration: .init(workers: configuration.reactorWorkers))
        tokens = try TokenStore(path: data.tokens.path)
        idempotency = try IdempotencyStore(path: data.idempotency.path)
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
            if configuration.runReactor { group.addTask { try await self.reactor.run() } }
            try await group.waitForAll()
        }
    }

    public func close() async {
        await log.close()
    }
}
