/// When an append counts as durable, and so when `append` returns.
public enum DurabilityPolicy: Sendable, Equatable {
    /// Every commit group is written and `fdatasync`ed before its appenders return (default).
    case fsync
    /// Commit groups are gathered for `interval`, then written and `fdatasync`ed together;
    /// appenders return after that sync (higher throughput, higher latency).
    case batch(interval: Duration)
    /// Written to the OS but never synced: survives a process crash, not a power loss.
    /// For tests and benchmarks.
    case none
}

/// How an ``EventLog`` writes.
public struct EventLogConfiguration: Sendable, Equatable {
    public var durability: DurabilityPolicy
    /// A new segment starts at the first commit group after a segment reaches this size.
    public var segmentSizeLimit: UInt64
    /// Where the envelope's recorded-at times and event ids come from.
    public var envelope: EnvelopeSource

    public init(
        durability: DurabilityPolicy = .fsync, segmentSizeLimit: UInt64 = 128 << 20, envelope: EnvelopeSource = .system
    ) {
        self.durability = durability
        self.segmentSizeLimit = segmentSizeLimit
        self.envelope = envelope
    }
}
