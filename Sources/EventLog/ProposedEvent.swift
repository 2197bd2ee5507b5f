import Foundation

/// An event handed to ``EventLog/append(stream:expectedVersion:events:commandID:)``.
///
/// The log never looks inside `payload`: the owner of `type` (the labeling domain)
/// serializes and decodes it, upcasting old `schemaVersion`s at read time.
public struct ProposedEvent: Sendable, Equatable {
    public var eventID: UUID
    public var type: String
    public var schemaVersion: UInt32
    public var payload: Data
    /// Who caused the event: a user name, "auto-labeling", "import", ...
    public var actor: String
    /// Links events of one user intention across streams; empty when none.
    public var correlationID: String

    public init(
        type: String, schemaVersion: UInt32 = 1, payload: Data, actor: String,
        correlationID: String = "", eventID: UUID = .random()
    ) {
        self.eventID = eventID
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.actor = actor
        self.correlationID = correlationID
    }
}
