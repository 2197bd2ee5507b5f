import Foundation
import SwiftProtobuf

/// An event's stored form outside the segment files: the very `labelledger.log.EventRecord`
/// bytes (`Proto/envelope.proto`) a batch frame holds for it, for engines that keep events
/// elsewhere (PostgreSQL keeps them per row) and must read back exactly what was written.
///
/// Invariant: `RecordedEvent(storedRecord: event.storedRecord())` is `event` (recorded-at at
/// microsecond precision, which is the log's clock resolution).
public enum StoredEventRecord {
    /// The largest payload one event may carry, in every engine: the segment log's record
    /// limit less room for the envelope (``LogError/eventTooLarge(stream:bytes:limit:)``).
    public static let maxPayloadBytes = BatchFrame.maxRecordBytes - 1024

    /// The serialized record of `event`.
    public static func encode(_ event: RecordedEvent, recordedAtMicros: Int64) -> Data {
        var record = EventRecord()
        record.position = event.position
        record.streamID = event.streamID
        record.streamVersion = event.streamVersion
        record.eventID = event.eventID.bytes
        record.eventType = event.type
        record.schemaVersion = event.schemaVersion
        record.recordedAtMicros = recordedAtMicros
        record.actor = event.actor
        record.commandID = event.commandID
        record.correlationID = event.correlationID
        record.payload = event.payload
        // Serializing a message of only scalar, string and bytes fields cannot fail.
        return (try? record.serializedData()) ?? Data()
    }

    /// The event a serialized record holds with its recorded-at in microseconds, or nil when
    /// the bytes are not one record.
    public static func decode(_ bytes: Data) -> (event: RecordedEvent, recordedAtMicros: Int64)? {
        guard let record = try? EventRecord(serializedBytes: bytes) else { return nil }
        return (RecordedEvent(record: record), record.recordedAtMicros)
    }

    /// Microseconds since 1970 of `date`, as the log records times.
    public static func micros(_ date: Date) -> Int64 { date.micros }
}
