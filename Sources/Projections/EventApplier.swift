import EventLog
import GRDB
import LabelingDomain

/// Turns events into the rows of one projection, inside a write transaction the
/// ``Projector`` opens; the projector writes the checkpoint in that same transaction.
///
/// Invariants: applying the same events to the same rows gives the same rows (no clock,
/// no randomness, no dependence on dictionary order in what is stored); an applier may
/// buffer counter deltas and must write them all in ``finish(_:)``. An applier made for a
/// rebuild's bulk phase may also buffer rows across transactions; it writes them in
/// ``complete(_:)``, which the projector calls in the transaction that writes the
/// checkpoint accounting for them.
protocol EventApplier {
    /// `domain` is nil for events of streams that are neither a dataset nor the model registry.
    mutating func apply(_ event: RecordedEvent, _ domain: DomainEvent?, _ db: Database) throws
    /// Ends one transaction's worth of events.
    mutating func finish(_ db: Database) throws
    /// Writes every row still buffered (see ``ProjectionKind/makeApplier(bulkRowLimit:)``).
    mutating func complete(_ db: Database) throws
}

extension EventApplier {
    mutating func complete(_ db: Database) throws {}
}

extension RecordedEvent {
    var recordedAtMicros: Int64 { Int64((recordedAt.timeIntervalSince1970 * 1_000_000).rounded()) }
}
