import EventLog
import Foundation
import GRDB
import LabelingDomain
import LabelingService
import Logging

/// The only writer of the projections: a checkpointed subscriber of the event log.
///
/// ```swift
/// let projector = Projector(log: log, store: store)
/// try await projector.start()                 // rebuild stale projections, catch up
/// let live = Task { try await projector.run() }   // follow the log until cancelled
/// let report = try await projector.rebuild([.datasets]) { print($0.fraction) }
/// ```
///
/// Invariants:
/// - each projection's checkpoint (the last applied position) is written in the same
///   SQLite transaction as the rows of the events it counts, and events at or below it
///   are never applied again: a crash at any instant neither applies an event twice nor
///   skips one;
/// - catch-up applies ``batchSize`` events per transaction; live, every commit of the
///   log is applied as soon as it is durable;
/// - a rebuild builds new generations from position 0 off to the side, while the live
///   ones keep being updated and queried; the final catch-up and the swap are one item of
///   the apply queue, so no live batch is applied to the old generation after the new one
///   caught up.
///
/// Thread-safety: an actor that never runs SQLite itself: every catch-up, checkpoint read,
/// shadow creation and swap runs on the projector's own serial dispatch queue (in the order
/// they were asked for, one at a time), and a rebuild's bulk phase on its own thread — so a
/// batch waiting for SQLite (a held writer, a slow disk) holds up no thread of the
/// cooperative pool.
public actor Projector {
    /// The log, whatever engine keeps it; read synchronously through ``reader`` on the apply
    /// queue and the rebuild thread (never on the cooperative pool).
    public let log: any EventStore
    let reader: EventReader
    public let store: ProjectionStore
    /// Events per transaction when catching up.
    public let batchSize: Int
    /// Events per transaction in a rebuild's bulk phase.
    public let rebuildBatchSize: Int
    /// Rows (samples, audit heads; twice as many audit rows) a rebuild's bulk phase keeps in
    /// memory per projection before it writes them to its shadow and reads them back from
    /// there: the bound on a rebuild's memory whatever the log's size.
    public let bulkRowLimit: Int
    private var rebuilding: Set<ProjectionKind> = []
    private let logger = Logger(label: "labelledger.projector")
    /// Where the projector's SQLite work runs, one item at a time (see Thread-safety).
    private let applyQueue = DispatchQueue(label: "labelledger.projector.apply")

    public init(
        log: any EventStore, store: ProjectionStore, batchSize: Int = 10_000, rebuildBatchSize: Int = 50_000,
        bulkRowLimit: Int = ProjectionKind.defaultBulkRowLimit
    ) {
        self.log = log
        self.reader = EventReader(log)
        self.store = store
        self.batchSize = max(1, batchSize)
        self.rebuildBatchSize = max(1, rebuildBatchSize)
        self.bulkRowLimit = max(1, bulkRowLimit)
    }

    // MARK: - Starting

    /// Rebuilds every projection whose stored code version differs from the code's (or
    /// whose checkpoint is beyond the log head: it describes another log; or that is empty
    /// while the log is not), then catches up. Returns the projections it rebuilt.
    @discardableResult
    public func start(progress: (@Sendable (RebuildProgress) -> Void)? = nil) async throws(ProjectionError) -> [ProjectionKind] {
        let head = try await currentHead()
        var stale: [ProjectionKind] = []
        let store = store
        let statuses = try await onApplyQueue { () throws(ProjectionError) in
            try ProjectionKind.allCases.map { kind throws(ProjectionError) in try store.status(kind) }
        }
        for (kind, status) in zip(ProjectionKind.allCases, statuses) {
            // An empty projection beside a non-empty log (one added by a newer version) is
            // built in bulk, not event by event.
            if status.isStale || status.checkpoint > head || (status.checkpoint == 0 && head > 0) {
                logger.notice("projection \(kind) needs a rebuild", metadata: [
                    "stored_code_version": "\(status.storedCodeVersion.map(String.init) ?? "none")",
                    "code_version": "\(kind.codeVersion)", "checkpoint": "\(status.checkpoint)", "head": "\(head)",
                ])
                stale.append(kind)
            }
        }
        if !stale.isEmpty { try await rebuild(stale, progress: progress) }
        try await catchUp()
        return stale
    }

    // MARK: - Catching up

    /// Applies every durable event (up to `limit`, when given) not yet applied, in
    /// transactions of ``batchSize`` events, on the apply queue. Returns the lowest checkpoint
    /// afterwards.
    @discardableResult
    public func catchUp(upTo limit: UInt64? = nil) async throws(ProjectionError) -> UInt64 {
        let (store, reader, batchSize) = (store, reader, batchSize)
        return try await onApplyQueue { () throws(ProjectionError) in
            // The live generations as of this item: after a swap, the new ones.
            let generations = ProjectionKind.allCases.map { store.generation($0) }
            return try Self.catchUp(generations, reader: reader, upTo: limit, batchSize: batchSize, progress: nil)
        }
    }

    /// Follows the log: catches up, then applies each new commit as it becomes durable.
    /// Returns when the task is cancelled or the log is closed.
    public func run() async throws(ProjectionError) {
        while !Task.isCancelled {
            let checkpoint = try await catchUp()
            var iterator = log.subscribe(from: checkpoint + 1, whenLive: nil).makeAsyncIterator()
            do {
                guard try await iterator.next() != nil else { return }
            } catch {
                throw ProjectionError.wrap("projector", error)
            }
        }
    }

    /// The log's durable head: from memory on the embedded log, asked of another engine.
    private func currentHead() async throws(ProjectionError) -> UInt64 {
        if let embedded = reader.embedded { return embedded.head }
        do { return try await log.head } catch { throw .log(reason: error.description) }
    }

    /// The lowest checkpoint among the projections.
    public func checkpoint() async throws(ProjectionError) -> UInt64 {
        let store = store
        return try await onApplyQueue { () throws(ProjectionError) in
            try ProjectionKind.allCases.map { kind throws(ProjectionError) in try store.checkpoint(kind) }.min() ?? 0
        }
    }

    /// Runs SQLite work on ``applyQueue`` and waits for it without holding a thread of the
    /// cooperative pool.
    private func onApplyQueue<T: Sendable>(
        _ work: @escaping @Sendable () throws(ProjectionError) -> T
    ) async throws(ProjectionError) -> T {
        let queue = applyQueue
        let result: Result<T, ProjectionError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(ProjectionError) in try work() }) }
        }
        return try result.get()
    }

    // MARK: - Rebuilding

    /// Rebuilds `kinds` from position 0 into new generations and installs them atomically.
    ///
    /// The bulk phase (up to the head at the start) runs off the actor, so live
    /// application and queries go on against the current generations meanwhile; the final
    /// catch-up and the swap run on the actor.
    @discardableResult
    public func rebuild(
        _ kinds: [ProjectionKind] = ProjectionKind.allCases, progress: (@Sendable (RebuildProgress) -> Void)? = nil
    ) async throws(ProjectionError) -> RebuildReport {
        let kinds = ProjectionKind.allCases.filter(kinds.contains)
        if let busy = kinds.first(where: rebuilding.contains) {
            throw .rebuildInProgress(projection: busy.rawValue)
        }
        rebuilding.formUnion(kinds)
        defer { rebuilding.subtract(kinds) }
        let clock = ContinuousClock()
        let start = clock.now
        let store = store
        let shadows = try await onApplyQueue { () throws(ProjectionError) in
            try kinds.map { kind throws(ProjectionError) in try store.makeShadow(kind) }
        }
        let target = try await currentHead()
        let log = reader
        let batch = rebuildBatchSize
        let rowLimit = bulkRowLimit
        let shadowsForBulk = shadows
        logger.info("rebuilding \(kinds.map(\.rawValue).joined(separator: ",")) up to position \(target)")
        let bulk: Result<[String: Duration], ProjectionError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let phases = try Self.bulkBuild(
                        shadowsForBulk, reader: log, upTo: target, batchSize: batch, rowLimit: rowLimit
                    ) { applied in
                        progress?(RebuildProgress(projections: kinds, applied: applied, target: target, elapsed: clock.now - start))
                    }
                    continuation.resume(returning: .success(phases))
                } catch {
                    continuation.resume(returning: .failure(ProjectionError.wrap("rebuild", error)))
                }
            }
        }
        do {
            var phases = try bulk.get()
            // One item of the apply queue: no live batch runs until the swap is done.
            let finishing = clock.now
            let batchSize = batchSize
            let checkpoint = try await onApplyQueue { () throws(ProjectionError) in
                let checkpoint = try Self.catchUp(shadows, reader: log, upTo: nil, batchSize: batchSize, progress: nil)
                for shadow in shadows { try store.install(shadow) }
                return checkpoint
            }
            phases["catch_up_and_install"] = clock.now - finishing
            let elapsed = clock.now - start
            let report = RebuildReport(
                projections: kinds, events: checkpoint, checkpoint: checkpoint, elapsed: elapsed,
                generations: Dictionary(uniqueKeysWithValues: shadows.map { ($0.kind, $0.number) }), phases: phases)
            logger.info("rebuilt \(kinds.map(\.rawValue).joined(separator: ",")): \(checkpoint) events")
            return report
        } catch {
            for shadow in shadows { shadow.isObsolete.store(true, ordering: .releasing) }
            throw ProjectionError.wrap("rebuild", error)
        }
    }

    // MARK: - Applying

    /// Reads batches from the lowest checkpoint of `generations` and applies each event to
    /// every generation that has not applied it, one transaction per generation and batch.
    static func catchUp(
        _ generations: [ProjectionGeneration], log: EventLog, upTo limit: UInt64?, batchSize: Int,
        progress: ((UInt64) -> Void)?
    ) throws(ProjectionError) -> UInt64 {
        try catchUp(generations, reader: EventReader(log), upTo: limit, batchSize: batchSize, progress: progress)
    }

    /// The same on any engine (synchronous reads: run it off the cooperative pool).
    static func catchUp(
        _ generations: [ProjectionGeneration], reader log: EventReader, upTo limit: UInt64?, batchSize: Int,
        progress: ((UInt64) -> Void)?
    ) throws(ProjectionError) -> UInt64 {
        var checkpoints: [UInt64] = []
        for generation in generations {
            checkpoints.append(try generation.meta()?.checkpoint ?? 0)
        }
        let head: UInt64
        do { head = try log.currentHead() } catch { throw .log(reason: error.description) }
        for (generation, checkpoint) in zip(generations, checkpoints) where checkpoint > head {
            throw .checkpointAheadOfLog(projection: generation.kind.rawValue, checkpoint: checkpoint, head: head)
        }
        let target = min(limit ?? head, head)
        while let low = checkpoints.min(), low < target {
            let events: [RecordedEvent]
            do {
                events = try log.read(from: low + 1, limit: batchSize).prefix { $0.position <= target }
            } catch {
                throw .log(reason: error.description)
            }
            guard let last = events.last else { break }
            let decoded = try decode(events)
            for (i, generation) in generations.enumerated() where checkpoints[i] < last.position {
                try apply(decoded, to: generation)
                checkpoints[i] = last.position
            }
            progress?(last.position)
        }
        return checkpoints.min() ?? target
    }

    /// A rebuild's bulk phase: applies every event up to `target` to the new, empty
    /// `shadows`, each on its own queue (``ShadowBuild``: one bulk applier per shadow for the
    /// whole phase, rows buffered in memory, see ``SampleRowStore``; one transaction per
    /// batch), while the next batches are read and decoded on another thread
    /// (``DecodedBatches``); then each writes its buffered rows and builds its query indexes.
    /// The checkpoint is written once, at the end, in the transaction that writes the
    /// buffered rows: until then a shadow's checkpoint is 0, and a shadow is never installed
    /// before this returns (after a crash it is an abandoned file, removed at the next open).
    /// Returns each shadow's phase times (`<projection>.<phase>`; they overlap) and `bulk`,
    /// the wall time of the whole phase.
    static func bulkBuild(
        _ shadows: [ProjectionGeneration], log: EventLog, upTo target: UInt64, batchSize: Int, rowLimit: Int,
        progress: ((UInt64) -> Void)?
    ) throws(ProjectionError) -> [String: Duration] {
        try bulkBuild(shadows, reader: EventReader(log), upTo: target, batchSize: batchSize, rowLimit: rowLimit, progress: progress)
    }

    /// The same on any engine: the embedded log's batches are read and decoded ahead on a
    /// thread of their own (``DecodedBatches``); another engine's are read and decoded here,
    /// one batch at a time.
    static func bulkBuild(
        _ shadows: [ProjectionGeneration], reader: EventReader, upTo target: UInt64, batchSize: Int, rowLimit: Int,
        progress: ((UInt64) -> Void)?
    ) throws(ProjectionError) -> [String: Duration] {
        let clock = ContinuousClock()
        let start = clock.now
        let builds = shadows.map { ShadowBuild($0, rowLimit: rowLimit) }
        var reached: UInt64 = 0
        let batches = reader.embedded.map { DecodedBatches(log: $0, upTo: target, batchSize: batchSize) }
        defer { batches?.stop() }
        func next() throws(ProjectionError) -> [Decoded]? {
            if let batches { return try batches.next() }
            guard reached < target else { return nil }
            let events: [RecordedEvent]
            do { events = try reader.read(from: reached + 1, limit: batchSize).prefix { $0.position <= target } } catch {
                throw .log(reason: error.description)
            }
            return events.isEmpty ? nil : try decode(events)
        }
        do {
            while !builds.contains(where: { $0.failed.load(ordering: .acquiring) }), let decoded = try next() {
                for build in builds { build.submit(decoded) }
                reached = decoded.last!.event.position
                progress?(reached)
            }
        } catch {
            // Let the shadows finish what they hold before the error leaves (they write to
            // files this rebuild abandons).
            for build in builds { _ = try? build.wait() }
            throw error
        }
        for build in builds { build.complete(checkpoint: reached) }
        var phases: [String: Duration] = [:]
        for build in builds { phases.merge(try build.wait()) { $1 } }
        phases["bulk"] = clock.now - start
        return phases
    }

    typealias Decoded = (event: RecordedEvent, domain: DomainEvent?)

    /// Decodes events of dataset streams and the model registry; other streams' events
    /// (other modules' bookkeeping) are passed through undecoded and only advance checkpoints.
    static func decode(_ events: [RecordedEvent]) throws(ProjectionError) -> [Decoded] {
        var decoded: [Decoded] = []
        decoded.reserveCapacity(events.count)
        for event in events {
            guard event.streamID.hasPrefix(StreamNames.datasetPrefix) || StreamNames.isModelRegistry(event.streamID) else {
                decoded.append((event, nil))
                continue
            }
            do {
                decoded.append((event, try DomainEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)))
            } catch {
                throw .undecodableEvent(position: event.position, type: event.type, reason: error.message)
            }
        }
        return decoded
    }

    /// One transaction: skips events at or below the stored checkpoint (so a batch
    /// replayed after a crash applies nothing twice), applies the rest, then writes the
    /// new checkpoint.
    static func apply(_ events: [Decoded], to generation: ProjectionGeneration) throws(ProjectionError) {
        guard let last = events.last?.event.position else { return }
        do {
            try generation.pool.write { db in
                let checkpoint = try ProjectionGeneration.checkpoint(db)
                guard last > checkpoint else { return }
                var applier = generation.kind.makeApplier()
                for (event, domain) in events where event.position > checkpoint {
                    try applier.apply(event, domain, db)
                }
                try applier.finish(db)
                try ProjectionGeneration.setCheckpoint(db, last)
            }
        } catch {
            throw ProjectionError.wrap(generation.kind.rawValue, error)
        }
    }
}
