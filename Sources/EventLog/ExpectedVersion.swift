/// The optimistic-concurrency condition of an append.
public enum ExpectedVersion: Sendable, Equatable {
    /// Append whatever the stream's version.
    case any
    /// The stream must have exactly this many events (0: the stream must not exist yet).
    case exact(UInt64)

    /// The stream must not exist yet.
    public static let noStream = ExpectedVersion.exact(0)
}
