import LabelingDomain

/// A deleted dataset's tombstone in the datasets projection (every other row of it is
/// gone): enough for a read to say why the dataset answers 404 without loading its
/// aggregate.
public struct DeletedDataset: Sendable, Equatable {
    public var dataset: DatasetID
    /// Who deleted it (the `DatasetDeleted` event's `by`).
    public var by: String
    /// When (the event's `at`, as the domain decided it).
    public var at: Instant
    /// The log position of its `DatasetDeleted` event.
    public var position: UInt64
}
