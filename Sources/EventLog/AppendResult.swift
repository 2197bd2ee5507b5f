/// What an acknowledged append wrote.
///
/// Invariant: the events occupy `firstPosition...lastPosition` contiguously and the
/// stream versions `firstVersion...lastVersion`; `lastVersion` is the expected version
/// for the stream's next append.
public struct AppendResult: Sendable, Equatable {
    public var streamID: String
    public var firstPosition: UInt64
    public var lastPosition: UInt64
    public var firstVersion: UInt64
    public var lastVersion: UInt64
    /// True when the command id had been appended before: nothing new was written and
    /// these are the original positions.
    public var deduplicated: Bool

    public init(
        streamID: String, firstPosition: UInt64, lastPosition: UInt64, firstVersion: UInt64,
        lastVersion: UInt64, deduplicated: Bool = false
    ) {
        self.streamID = streamID
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.firstVersion = firstVersion
        self.lastVersion = lastVersion
        self.deduplicated = deduplicated
    }
}
