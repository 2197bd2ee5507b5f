import Foundation

/// An event as stored: its payload plus the envelope the log assigned when the
/// append became durable.
///
/// Invariants: positions are 1-based and gap-free across the log; stream versions are
/// 1-based and gap-free per stream; `recordedAt` never decreases along positions.
public struct RecordedEvent: Sendable, Equatable {
    public var position: UInt64
    public var streamID: String
    public var streamVersion: UInt64
    public var eventID: UUID
    public var type: String
    public var schemaVersion: UInt32
    /// Microsecond precision.
    public var recordedAt: Date
    public var actor: String
    /// The idempotency key of the append that wrote this event; empty when none.
    public var commandID: String
    public var correlationID: String
    public var payload: Data

    public init(
        position: UInt64, streamID: String, streamVersion: UInt64, eventID: UUID, type: String,
        schemaVersion: UInt32, recordedAt: Date, actor: String, commandID: String,
        correlationID: String, payload: Data
    ) {
        self.position = position
        self.streamID = streamID
        self.streamVersion = streamVersion
        self.eventID = eventID
        self.type = type
        self.schemaVersion = schemaVersion
        self.recordedAt = recordedAt
        self.actor = actor
        self.commandID = commandID
        self.correlationID = correlationID
        self.payload = payload
    }

    init(record: EventRecord) {
        self.init(
            position: record.position,
            streamID: record.streamID,
            streamVersion: record.streamVersion,
            eventID: UUID(bytes: record.eventID),
            type: record.eventType,
            schemaVersion: record.schemaVersion,
            recordedAt: Date(micros: record.recordedAtMicros),
            actor: record.actor,
            commandID: record.commandID,
            correlationID: record.correlationID,
            payload: record.payload)
    }
}

extension Date {
    /// Microseconds since 1970, the log's clock resolution. A date beyond what 64 bits of
    /// microseconds hold (about 292,000 years either side of 1970; a client may ask for
    /// the year 20002000000000000000000026) saturates: it lies after, or before, every event.
    var micros: Int64 {
        let value = (timeIntervalSince1970 * 1_000_000).rounded()
        guard !value.isNaN else { return 0 }
        if value >= 0x1p63 { return .max }
        if value < -0x1p63 { return .min }
        return Int64(value)
    }
    init(micros: Int64) { self.init(timeIntervalSince1970: Double(micros) / 1_000_000) }
}

extension UUID {
    var bytes: Data { withUnsafeBytes(of: uuid) { Data($0) } }
    /// The UUID of 16 bytes (all zeros for any other count). One raw copy: `Data.copyBytes(to:)`
    /// took the generic `DataProtocol` path, about 4 % of a rebuild's CPU.
    init(bytes: Data) {
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        if bytes.count == 16 {
            withUnsafeMutableBytes(of: &raw) { target in bytes.withUnsafeBytes { target.copyMemory(from: $0) } }
        }
        self.init(uuid: raw)
    }
}
