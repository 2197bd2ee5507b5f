import Foundation

/// A point in time with microsecond precision, as stored in events.
///
/// The domain never reads a clock: commands carry their instants, and events
/// store them as microseconds since 1970-01-01 UTC so that values round-trip
/// exactly through the log.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSince1970: Int64

    public init(microsecondsSince1970: Int64) {
        self.microsecondsSince1970 = microsecondsSince1970
    }

    /// Rounds `date` down to the microsecond.
    public init(_ date: Date) {
        self.microsecondsSince1970 = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSince1970) / 1_000_000) }

    public var description: String { "\(microsecondsSince1970)µs" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.microsecondsSince1970 < rhs.microsecondsSince1970
    }
}
