import Dispatch
import Foundation
import Synchronization

/// One shadow's part of a rebuild's bulk phase, on a serial queue of its own, so the
/// projections of one rebuild are built side by side (each SQLite database has its own
/// writer): ``submit(_:)`` hands it every decoded batch, ``complete(checkpoint:)`` writes
/// its buffered rows with the checkpoint, creates its deferred indexes and ends its
/// journal-less phase, ``wait()`` returns its phase times or its first error.
///
/// Invariants: batches are applied in the order submitted, by one bulk applier for the
/// whole phase, one transaction per batch; at most `capacity` batches wait per shadow
/// (``submit(_:)`` blocks beyond that, so a slow projection slows the reader instead of
/// filling memory); after an error the shadow ignores the rest and ``wait()`` throws it.
final class ShadowBuild: @unchecked Sendable {
    // Mutable state is touched only on `queue` until `group` has been waited for.
    let shadow: ProjectionGeneration
    private var applier: any EventApplier
    private var failure: ProjectionError?
    private var phases: [String: Duration] = [:]
    private var applying: Duration = .zero
    private let queue: DispatchQueue
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore
    private let clock = ContinuousClock()
    /// Set when the shadow failed: the producer may stop early.
    let failed = Atomic<Bool>(false)

    /// - Parameter rowLimit: rows the bulk applier buffers before it spills them to the shadow.
    init(_ shadow: ProjectionGeneration, rowLimit: Int, capacity: Int = 2) {
        self.shadow = shadow
        applier = shadow.kind.makeApplier(bulkRowLimit: rowLimit)
        queue = DispatchQueue(label: "projection.rebuild.\(shadow.kind.rawValue)")
        slots = DispatchSemaphore(value: capacity)
    }

    func submit(_ batch: DecodedBatches.Batch) {
        slots.wait()
        queue.async(group: group) { [self] in
            defer { slots.signal() }
            run {
                let start = clock.now
                try shadow.pool.write { db in
                    for (event, domain) in batch { try applier.apply(event, domain, db) }
                    try applier.finish(db)
                }
                applying += clock.now - start
            }
        }
    }

    /// Writes the buffered rows and `checkpoint` in one transaction, then builds the indexes
    /// queries need and switches the shadow back to WAL.
    func complete(checkpoint: UInt64) {
        queue.async(group: group) { [self] in
            phases["\(shadow.kind).apply_batches"] = applying
            run {
                let start = clock.now
                try shadow.pool.write { db in
                    try applier.complete(db)
                    try applier.finish(db)
                    try ProjectionGeneration.setCheckpoint(db, checkpoint)
                }
                phases["\(shadow.kind).write_buffered_rows"] = clock.now - start
            }
            run {
                let start = clock.now
                try shadow.createQueryIndexes()
                try shadow.endBulkPhase()
                phases["\(shadow.kind).query_indexes"] = clock.now - start
            }
        }
    }

    /// Waits for everything submitted; the phase times (`<projection>.<phase>`).
    func wait() throws(ProjectionError) -> [String: Duration] {
        group.wait()
        if let failure { throw failure }
        return phases
    }

    private func run(_ body: () throws -> Void) {
        guard failure == nil else { return }
        do {
            try body()
        } catch {
            failure = ProjectionError.wrap(shadow.kind.rawValue, error)
            failed.store(true, ordering: .releasing)
        }
    }
}
