import Foundation

/// One append of a multi-append (``EventLog/append(_:)``): the same arguments as
/// ``EventLog/append(stream:expectedVersion:events:commandID:)``.
public struct AppendRequest: Sendable, Equatable {
    public var stream: String
    public var expectedVersion: ExpectedVersion
    public var events: [ProposedEvent]
    public var commandID: String?
    /// The time to record the events at instead of the clock's, for a copy of a log that keeps
    /// its times (`labelledger migrate`); nil (the default) for every other append. Recorded-at
    /// never decreases along positions, so a time before the log's last one is raised to it.
    public var recordedAt: Date?

    public init(
        stream: String, expectedVersion: ExpectedVersion = .any, events: [ProposedEvent], commandID: String? = nil,
        recordedAt: Date? = nil
    ) {
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.events = events
        self.commandID = commandID
        self.recordedAt = recordedAt
    }
}
