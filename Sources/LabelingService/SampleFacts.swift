import LabelingDomain

/// What an as-of view shows of a sample beyond its domain record (``SampleRecord``): where
/// it came from, when and by whom it last changed, and its place in the tabs' order.
///
/// Invariants (kept by ``DatasetAtPosition/apply(_:_:)``, the same rules as the `datasets`
/// projection's rows, which the as-of tests compare):
/// - ``seq`` is `(position of the SamplesAdded event << 20) | index in it`: fixed for the
///   sample's life and unique in the log;
/// - ``lastPosition``/``lastActor`` name the last event that changed the sample's labels,
///   state or hard mark (a label rename changes neither);
/// - ``labelsAt`` is when its current labels or predictions were made.
public struct SampleFacts: Sendable, Equatable {
    public var seq: Int64
    public var sourcePath: String
    public var contentSHA256: String
    public var usage: SampleUsage?
    public var labelsAt: Instant
    public var lastPosition: UInt64
    public var lastActor: String

    public init(
        seq: Int64, sourcePath: String, contentSHA256: String, usage: SampleUsage?, labelsAt: Instant,
        lastPosition: UInt64, lastActor: String
    ) {
        self.seq = seq
        self.sourcePath = sourcePath
        self.contentSHA256 = contentSHA256
        self.usage = usage
        self.labelsAt = labelsAt
        self.lastPosition = lastPosition
        self.lastActor = lastActor
    }

    /// The position of the event that added the sample.
    public var addedPosition: UInt64 { UInt64(seq >> 20) }
}
