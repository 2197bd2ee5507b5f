/// One append of a multi-append (``EventLog/append(_:)``): the same arguments as
/// ``EventLog/append(stream:expectedVersion:events:commandID:)``.
public struct AppendRequest: Sendable, Equatable {
    public var stream: String
    public var expectedVersion: ExpectedVersion
    public var events: [ProposedEvent]
    public var commandID: String?

    public init(stream: String, expectedVersion: ExpectedVersion = .any, events: [ProposedEvent], commandID: String? = nil) {
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.events = events
        self.commandID = commandID
    }
}
