import Foundation

/// Where a rebuild stands; handed to the progress callback after every transaction.
public struct RebuildProgress: Sendable, Equatable {
    public var projections: [ProjectionKind]
    /// Events applied to the shadow so far.
    public var applied: UInt64
    /// The log head when the rebuild started (the bulk phase's goal).
    public var target: UInt64
    public var elapsed: Duration

    public init(projections: [ProjectionKind], applied: UInt64, target: UInt64, elapsed: Duration) {
        self.projections = projections
        self.applied = applied
        self.target = target
        self.elapsed = elapsed
    }

    public var eventsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(applied) / seconds : 0
    }

    /// Estimated time left for the bulk phase; nil until the rate is known.
    public var eta: Duration? {
        let rate = eventsPerSecond
        guard rate > 0 else { return nil }
        return .seconds(Double(target.saturatingSubtract(applied)) / rate)
    }

    public var fraction: Double { target == 0 ? 1 : min(1, Double(applied) / Double(target)) }
}

/// What a finished rebuild did.
public struct RebuildReport: Sendable, Equatable {
    public var projections: [ProjectionKind]
    /// Events applied to the new generations (bulk phase plus final catch-up).
    public var events: UInt64
    /// The position every rebuilt projection had reached when it was installed.
    public var checkpoint: UInt64
    public var elapsed: Duration
    /// The generation numbers now live.
    public var generations: [ProjectionKind: Int]
    /// Where the time went: `apply_batches` (events into rows, reading and decoding
    /// overlapped on another thread), `write_buffered_rows`, `query_indexes`,
    /// `catch_up_and_install`.
    public var phases: [String: Duration] = [:]

    public var eventsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(events) / seconds : 0
    }
}

extension UInt64 {
    func saturatingSubtract(_ other: UInt64) -> UInt64 { self > other ? self - other : 0 }
}
